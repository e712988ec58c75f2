import { Rng } from '@s4/runtime';
import { conv2dWithBias } from '@s4/tfjs-wasm-training';
import { tf } from '../backend';
import { CoreError } from '../errors';
import { defaultBias, kaimingUniform } from '../init';
import { Module } from './module';
import { type Pair, pairRepr, positiveInteger, toPair } from './pair';
import { makeVariable } from './variable';

/** `'valid'` (no padding), `'same'` (TensorFlow's, output = ⌈input / stride⌉) or zeros on each side. */
export type Padding = 'valid' | 'same' | number;

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Padding;
  /** Adds a learned per-channel bias (default true, like PyTorch). */
  bias?: boolean;
  /** Draws the initial weights; defaults to `new Rng(0)`. Pass one generator to a whole model. */
  rng?: Rng;
}

/**
 * 2-D convolution over NHWC input `[N, H, W, inChannels]` with a kernel `weight` of shape
 * `[kh, kw, inChannels, outChannels]` and an optional `bias` `[outChannels]`, initialised like
 * PyTorch (kaiming-uniform with a = √5, bias U(±1/√fanIn), fanIn = inChannels·kh·kw).
 */
export class Conv2d extends Module {
  readonly typeName = 'Conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: Pair,
    options: Conv2dOptions = {},
  ) {
    super();
    this.inChannels = positiveInteger(inChannels, 'Conv2d inChannels');
    this.outChannels = positiveInteger(outChannels, 'Conv2d outChannels');
    this.kernelSize = toPair(kernelSize, 'Conv2d kernelSize');
    this.stride = toPair(options.stride ?? 1, 'Conv2d stride');
    const padding = options.padding ?? 0;
    if (padding !== 'valid' && padding !== 'same' && !(Number.isInteger(padding) && padding >= 0)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `Conv2d padding must be 'valid', 'same' or a non-negative integer, got ${JSON.stringify(padding)}`,
      );
    }
    this.padding = padding;
    const rng = options.rng ?? new Rng(0);
    const [kh, kw] = this.kernelSize;
    const fanIn = inChannels * kh * kw;
    // Drawn in PyTorch's [out, in, kh, kw] order, then stored in NHWC's [kh, kw, in, out].
    const torchOrder = kaimingUniform(rng, outChannels * fanIn, fanIn);
    const kernel = new Float32Array(torchOrder.length);
    for (let o = 0; o < outChannels; o++) {
      for (let i = 0; i < inChannels; i++) {
        for (let y = 0; y < kh; y++) {
          for (let x = 0; x < kw; x++) {
            kernel[((y * kw + x) * inChannels + i) * outChannels + o] = torchOrder[
              ((o * inChannels + i) * kh + y) * kw + x
            ] as number;
          }
        }
      }
    }
    this.weight = this.registerParameter(
      'weight',
      makeVariable(kernel, [kh, kw, inChannels, outChannels]),
    );
    this.bias =
      options.bias === false
        ? undefined
        : this.registerParameter(
            'bias',
            makeVariable(defaultBias(rng, outChannels, fanIn), [outChannels]),
          );
  }

  protected override extraRepr(): string {
    const padding =
      this.padding === 0
        ? ''
        : `, padding=${typeof this.padding === 'number' ? pairRepr([this.padding, this.padding]) : this.padding}`;
    const bias = this.bias ? '' : ', bias=False';
    return `${this.inChannels}, ${this.outChannels}, kernel_size=${pairRepr(this.kernelSize)}, stride=${pairRepr(this.stride)}${padding}${bias}`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.expectInputShape(x, [null, null, null, this.inChannels], 'NHWC');
    const pad = this.padding === 0 ? 'valid' : this.padding;
    if (this.bias === undefined) {
      return tf.conv2d(x as tf.Tensor4D, this.weight as tf.Tensor4D, this.stride, pad);
    }
    // The bias inside the convolution kernel instead of a separate pass over the output.
    return conv2dWithBias(
      x as tf.Tensor4D,
      this.weight as tf.Tensor4D,
      this.bias as tf.Tensor1D,
      this.stride,
      pad,
    );
  }
}
