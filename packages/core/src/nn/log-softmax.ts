import { tf } from '../backend';
import type { FunctionalOption } from './functional-option';
import { Module } from './module';

/** log(softmax(x)) over the last axis, computed stably (pair it with an NLL loss). */
export class LogSoftmax extends Module {
  readonly typeName = 'LogSoftmax';

  constructor(options: FunctionalOption = {}) {
    super();
    this.functional = options.functional ?? false;
  }

  protected override extraRepr(): string {
    return 'dim=1';
  }

  forward(x: tf.Tensor): tf.Tensor {
    this.expectInputShape(x, [null, null], 'flatten first');
    return tf.logSoftmax(x);
  }
}
