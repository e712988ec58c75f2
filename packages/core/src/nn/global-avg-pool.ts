import { tf } from '../backend';
import type { FunctionalOption } from './functional-option';
import { Module } from './module';

/**
 * Mean over all positions of NHWC images: `[N, H, W, C]` → `[N, C]` (like Keras'
 * GlobalAveragePooling2D; PyTorch's `AdaptiveAvgPool2d(1)` followed by a flatten).
 */
export class GlobalAvgPool extends Module {
  readonly typeName = 'GlobalAvgPool';

  constructor(options: FunctionalOption = {}) {
    super();
    this.functional = options.functional ?? false;
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.expectInputShape(x, [null, null, null, null], 'NHWC');
    return tf.mean(x, [1, 2]);
  }
}
