import { tf } from '../backend';
import { batchNormTrainFused } from '../kernels/batch-norm-train';

/** The running statistics a training-mode batch norm updates (PyTorch's buffers). */
export interface BatchNormRunningStats {
  runningMean: tf.Variable;
  runningVar: tf.Variable;
  numBatchesTracked: tf.Variable;
  momentum: number;
}

/**
 * Training-mode batch normalisation over every axis but the last (channels), the one place
 * BatchNorm1d/2d compute it, so a faster kernel can replace it here alone.
 *
 * Normalises with the batch's biased variance; updates the running mean and the running
 * *unbiased* variance (`var · n/(n−1)`) with `momentum`, as PyTorch does. The forward runs as
 * a `tf.customGrad` op: the engine records only this op on the gradient tape (not the
 * running-statistics updates inside it), and the backward pass is the closed form
 *   dx = invStd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)),  dx̂ = dy · γ,
 *   dγ = Σ dy · x̂,  dβ = Σ dy,
 * with a few fused reductions instead of differentiating mean/variance op by op.
 */
export function batchNormTrain(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor,
  eps: number,
  stats: BatchNormRunningStats,
): tf.Tensor {
  // The closed-form forward and backward run as two fused kernels (src/kernels/batch-norm-train.ts).
  return batchNormTrainFused(x, weight, bias, eps, ({ mean, variance, count }) => {
    tf.tidy(() => {
      const m = stats.momentum;
      stats.runningMean.assign(tf.add(tf.mul(stats.runningMean, 1 - m), tf.mul(mean, m)));
      stats.runningVar.assign(
        tf.add(tf.mul(stats.runningVar, 1 - m), tf.mul(variance, (m * count) / (count - 1))),
      );
      stats.numBatchesTracked.assign(tf.add(stats.numBatchesTracked, tf.scalar(1, 'int32')));
    });
  });
}

/** Evaluation-mode batch normalisation with the running statistics (differentiable as usual). */
export function batchNormEval(
  x: tf.Tensor,
  weight: tf.Tensor,
  bias: tf.Tensor,
  eps: number,
  runningMean: tf.Tensor,
  runningVar: tf.Tensor,
): tf.Tensor {
  return tf.tidy(() => {
    const scale = tf.mul(weight, tf.rsqrt(tf.add(runningVar, eps)));
    return tf.add(tf.mul(x, scale), tf.sub(bias, tf.mul(runningMean, scale)));
  });
}
