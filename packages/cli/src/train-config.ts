import type { BackendName } from '@s4/core';
import type { AugmentRecipe, LayerSpec, OptimizerRecipe, SchedulerRecipe } from '@s4/models';

/** Everything that determines a training run; stored in its checkpoints so `--resume` repeats it. */
export interface TrainConfig {
  /** The zoo model's name, or the model file's `name`. */
  model: string;
  /** A model file's path, as given (undefined for a zoo model). */
  modelFile?: string | undefined;
  /** A model file's architecture, stored so the run does not depend on the file any more. */
  architecture?: LayerSpec[] | undefined;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerRecipe;
  scheduler: SchedulerRecipe;
  augment: AugmentRecipe;
  /** ε of the training loss's label smoothing; absent = none (runs from before it existed). */
  labelSmoothing?: number | undefined;
  seed: number;
  /** Train on the first `limit` training images only. */
  limit?: number | undefined;
  /** Evaluate on the first `testLimit` test images only. */
  testLimit?: number | undefined;
  workers: number;
  backend: BackendName;
}
