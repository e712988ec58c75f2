import type { BackendName } from '@s4/core';
import type { AugmentRecipe, OptimizerRecipe, SchedulerRecipe } from '@s4/models';

/** Everything that determines a training run; stored in its checkpoints so `--resume` repeats it. */
export interface TrainConfig {
  model: string;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerRecipe;
  scheduler: SchedulerRecipe;
  augment: AugmentRecipe;
  seed: number;
  /** Train on the first `limit` training images only. */
  limit?: number | undefined;
  /** Evaluate on the first `testLimit` test images only. */
  testLimit?: number | undefined;
  workers: number;
  backend: BackendName;
}
