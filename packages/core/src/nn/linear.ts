import { Rng } from '@s4/runtime';
import { tf } from '../backend';
import { defaultBias, kaimingUniform } from '../init';
import { Module } from './module';
import { positiveInteger } from './pair';
import { makeVariable } from './variable';

export interface LinearOptions {
  /** Adds a learned bias (default true, like PyTorch). */
  bias?: boolean;
  /** Draws the initial weights; defaults to `new Rng(0)`. Pass one generator to a whole model. */
  rng?: Rng;
}

/**
 * Fully connected layer `y = x·weight + bias` over `[N, inFeatures]`, with `weight` stored as
 * `[inFeatures, outFeatures]` (the transpose of PyTorch's), initialised like PyTorch.
 */
export class Linear extends Module {
  readonly typeName = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    this.inFeatures = positiveInteger(inFeatures, 'Linear inFeatures');
    this.outFeatures = positiveInteger(outFeatures, 'Linear outFeatures');
    const rng = options.rng ?? new Rng(0);
    // Drawn in PyTorch's [out, in] order, then transposed to [in, out].
    const torchOrder = kaimingUniform(rng, outFeatures * inFeatures, inFeatures);
    const weight = new Float32Array(torchOrder.length);
    for (let o = 0; o < outFeatures; o++) {
      for (let i = 0; i < inFeatures; i++) {
        weight[i * outFeatures + o] = torchOrder[o * inFeatures + i] as number;
      }
    }
    this.weight = this.registerParameter('weight', makeVariable(weight, [inFeatures, outFeatures]));
    this.bias =
      options.bias === false
        ? undefined
        : this.registerParameter(
            'bias',
            makeVariable(defaultBias(rng, outFeatures, inFeatures), [outFeatures]),
          );
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.expectInputShape(x, [null, this.inFeatures], 'flatten first');
    const y = tf.matMul(x as tf.Tensor2D, this.weight as tf.Tensor2D);
    return this.bias ? tf.add(y, this.bias) : y;
  }
}
