import { tf } from '../backend';
import { CoreError } from '../errors';
import type { FunctionalOption } from './functional-option';
import { Module } from './module';
import { type Pair, pairRepr, toPair } from './pair';

export interface Pool2dOptions extends FunctionalOption {
  /** Step between windows; defaults to the kernel size, like PyTorch. */
  stride?: Pair;
  /** `'valid'` (PyTorch's floor mode without padding, the default) or `'same'`. */
  padding?: 'valid' | 'same';
}

export function checkPoolPadding(padding: unknown, layer: string): 'valid' | 'same' {
  if (padding === undefined) return 'valid';
  if (padding === 'valid' || padding === 'same') return padding;
  throw new CoreError(
    'BAD_ARGUMENT',
    `${layer} padding must be 'valid' or 'same', got ${JSON.stringify(padding)}`,
  );
}

/** Max over `kernelSize` windows of NHWC images; output ⌊(H − k)/s⌋ + 1 like PyTorch. */
export class MaxPool2d extends Module {
  readonly typeName = 'MaxPool2d';
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(kernelSize: Pair, options: Pool2dOptions = {}) {
    super();
    this.kernelSize = toPair(kernelSize, 'MaxPool2d kernelSize');
    this.stride = toPair(options.stride ?? kernelSize, 'MaxPool2d stride');
    this.padding = checkPoolPadding(options.padding, 'MaxPool2d');
    this.functional = options.functional ?? false;
  }

  protected override extraRepr(): string {
    const size = (p: [number, number]) => (p[0] === p[1] ? String(p[0]) : pairRepr(p));
    const padding = this.padding === 'valid' ? '0' : this.padding;
    return `kernel_size=${size(this.kernelSize)}, stride=${size(this.stride)}, padding=${padding}, dilation=1, ceil_mode=False`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.expectInputShape(x, [null, null, null, null], 'NHWC');
    return tf.maxPool(x as tf.Tensor4D, this.kernelSize, this.stride, this.padding);
  }
}
