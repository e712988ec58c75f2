import { tf } from '../backend';
import type { FunctionalOption } from './functional-option';
import { Module } from './module';

/** `[N, …]` → `[N, product of the rest]`; for NHWC images the order is h, w, c. */
export class Flatten extends Module {
  readonly typeName = 'Flatten';

  constructor(options: FunctionalOption = {}) {
    super();
    this.functional = options.functional ?? false;
  }

  protected override extraRepr(): string {
    return 'start_dim=1, end_dim=-1';
  }

  forward(x: tf.Tensor): tf.Tensor {
    // Any rank ≥ 2 is fine; a lower rank has no batch axis plus features to flatten.
    if (x.shape.length < 2) this.expectInputShape(x, [null, null], 'a batch of at least 1-D items');
    return tf.reshape(x, [x.shape[0] as number, -1]);
  }
}
