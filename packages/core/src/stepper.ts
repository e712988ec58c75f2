import type { PreparedBatch } from './data/batches';
import { batchToTensors } from './data/to-tensors';
import type { LossKind } from './losses';
import type { Module } from './nn/module';
import type { Optimizer } from './optim/optimizer';
import { computeGradients, disposeGradients } from './train-step';

/** What one training step reports. */
export interface StepResult {
  /** Mean loss over the batch. */
  loss: number;
  /** Examples whose arg-max prediction equals the label. */
  correct: number;
  size: number;
}

/** Per-example losses and arg-max predictions of one evaluation batch. */
export interface BatchPredictions {
  losses: Float32Array;
  predictions: Int32Array;
}

/**
 * Runs `fit`'s training steps: forward and backward on a batch, then the optimizer's update,
 * which is skipped when the loss is not finite (the weights stay as they were). `localStepper`
 * runs them on this thread; `WorkerPool.stepper` across data-parallel workers.
 */
export interface Stepper {
  /**
   * One step on `batch`. Work that can overlap with the caller starts at once (workers); work
   * on this thread starts when the caller next awaits, so it can request the next batch first.
   */
  step(batch: PreparedBatch): Promise<StepResult>;
  /** Eval-mode forward of a batch, when the stepper evaluates its own way (across workers). */
  predict?: ((batch: PreparedBatch) => Promise<BatchPredictions>) | undefined;
  close(): Promise<void>;
}

/** Steps on this thread: `computeGradients`, then `optimizer.step` when the loss is finite. */
export function localStepper(
  model: Module,
  optimizer: Optimizer,
  loss: LossKind,
  labelSmoothing = 0,
): Stepper {
  return {
    async step(batch) {
      await undefined;
      const { x, y } = batchToTensors(batch);
      let result: ReturnType<typeof computeGradients>;
      try {
        result = computeGradients(model, x, y, { loss, labelSmoothing });
      } finally {
        x.dispose();
        y.dispose();
      }
      const { grads, ...stats } = result;
      try {
        if (Number.isFinite(stats.loss)) optimizer.step(grads);
      } finally {
        disposeGradients(grads);
      }
      return stats;
    },
    close: async () => {},
  };
}
