import { type BatchNormBatchStats, batchNormTrainFused } from '@s4/tfjs-wasm-training';
import { tf } from '../backend';

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
  relu = false,
): tf.Tensor {
  // The closed-form forward and backward run as two fused kernels (@s4/tfjs-wasm-training),
  // with a following ReLU folded in when `relu` (see Sequential).
  const onBatchStats = ({ mean, variance, count }: BatchNormBatchStats) => {
    // A few numbers per channel: updated in JS (float64, then stored as float32) rather than
    // with seven tiny tfjs kernels per layer per step.
    const m = stats.momentum;
    const unbias = count / (count - 1);
    const batchMean = mean.dataSync();
    const batchVar = variance.dataSync();
    const runningMean = Float32Array.from(
      stats.runningMean.dataSync(),
      (r, c) => r * (1 - m) + batchMean[c]! * m,
    );
    const runningVar = Float32Array.from(
      stats.runningVar.dataSync(),
      (r, c) => r * (1 - m) + batchVar[c]! * unbias * m,
    );
    const tracked = stats.numBatchesTracked.dataSync()[0]! + 1;
    tf.tidy(() => {
      stats.runningMean.assign(tf.tensor(runningMean, stats.runningMean.shape));
      stats.runningVar.assign(tf.tensor(runningVar, stats.runningVar.shape));
      stats.numBatchesTracked.assign(tf.scalar(tracked, 'int32'));
    });
  };
  return batchNormTrainFused(x, weight, bias, eps, { onBatchStats, relu });
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
