import { tf } from '../backend';
import { CoreError, formatShape } from '../errors';
import { batchNormEval, batchNormTrain } from './batch-norm-function';
import { Module } from './module';
import { positiveInteger, pythonFloat } from './pair';
import { makeVariable } from './variable';

export interface BatchNormOptions {
  /** Added to the variance before the square root (default 1e-5, like PyTorch). */
  eps?: number;
  /** Weight of the new batch in the running statistics (default 0.1, like PyTorch). */
  momentum?: number;
}

/**
 * What BatchNorm1d and BatchNorm2d share: learned `weight` (γ, ones) and `bias` (β, zeros),
 * buffers `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked` (int32),
 * with PyTorch's semantics (see `batchNormTrain`). Channels are the last axis (NHWC).
 */
export abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable;
  readonly runningMean: tf.Variable;
  readonly runningVar: tf.Variable;
  readonly numBatchesTracked: tf.Variable;
  /** The expected input shape, channels last (`null` = any size). */
  protected abstract readonly inputPattern: readonly (number | null)[];

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    this.numFeatures = positiveInteger(numFeatures, 'BatchNorm numFeatures');
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.eps > 0))
      throw new CoreError('BAD_ARGUMENT', `BatchNorm eps must be > 0, got ${this.eps}`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `BatchNorm momentum must be in [0, 1], got ${this.momentum}`,
      );
    }
    const c = numFeatures;
    this.weight = this.registerParameter('weight', makeVariable(new Float32Array(c).fill(1), [c]));
    this.bias = this.registerParameter('bias', makeVariable(new Float32Array(c), [c]));
    this.runningMean = this.registerBuffer(
      'running_mean',
      makeVariable(new Float32Array(c), [c], false),
    );
    this.runningVar = this.registerBuffer(
      'running_var',
      makeVariable(new Float32Array(c).fill(1), [c], false),
    );
    this.numBatchesTracked = this.registerBuffer(
      'num_batches_tracked',
      makeVariable(new Int32Array(1), [], false),
    );
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${pythonFloat(this.eps)}, momentum=${pythonFloat(this.momentum)}, affine=True, track_running_stats=True`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.forwardThenRelu(x, false);
  }

  /**
   * `forward`, then a ReLU when `relu`: in training mode one fused kernel each way (a
   * container runs a BatchNorm followed by a ReLU through this; the values are the same).
   */
  forwardThenRelu(x: tf.Tensor, relu: boolean): tf.Tensor {
    this.expectInputShape(x, this.inputPattern, 'channels last');
    if (!this.training) {
      if (relu) return tf.tidy(() => tf.relu(this.forwardThenRelu(x, false)));
      return batchNormEval(x, this.weight, this.bias, this.eps, this.runningMean, this.runningVar);
    }
    if (x.size / this.numFeatures < 2) {
      throw new CoreError(
        'SHAPE_MISMATCH',
        `${this.label} needs more than 1 value per channel in training mode, got input ${formatShape(x.shape)}`,
      );
    }
    return batchNormTrain(
      x,
      this.weight,
      this.bias,
      this.eps,
      {
        runningMean: this.runningMean,
        runningVar: this.runningVar,
        numBatchesTracked: this.numBatchesTracked,
        momentum: this.momentum,
      },
      relu,
    );
  }
}
