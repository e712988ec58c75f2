import { tf } from '../backend';
import { checkPoolPadding, type Pool2dOptions } from './max-pool-2d';
import { Module } from './module';
import { type Pair, pairRepr, toPair } from './pair';

/** Mean over `kernelSize` windows of NHWC images; output ⌊(H − k)/s⌋ + 1 like PyTorch. */
export class AvgPool2d extends Module {
  readonly typeName = 'AvgPool2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(kernelSize: Pair, options: Pool2dOptions = {}) {
    super();
    this.kernelSize = toPair(kernelSize, 'AvgPool2d kernelSize');
    this.stride = toPair(options.stride ?? kernelSize, 'AvgPool2d stride');
    this.padding = checkPoolPadding(options.padding, 'AvgPool2d');
    this.functional = options.functional ?? false;
  }

  protected override extraRepr(): string {
    const size = (p: [number, number]) => (p[0] === p[1] ? String(p[0]) : pairRepr(p));
    const padding = this.padding === 'valid' ? '0' : this.padding;
    return `kernel_size=${size(this.kernelSize)}, stride=${size(this.stride)}, padding=${padding}`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.expectInputShape(x, [null, null, null, null], 'NHWC');
    return tf.avgPool(x as tf.Tensor4D, this.kernelSize, this.stride, this.padding);
  }
}
