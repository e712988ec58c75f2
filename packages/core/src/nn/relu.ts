import { tf } from '../backend';
import type { FunctionalOption } from './functional-option';
import { Module } from './module';

/** Elementwise max(x, 0). */
export class ReLU extends Module {
  readonly typeName = 'ReLU';

  constructor(options: FunctionalOption = {}) {
    super();
    this.functional = options.functional ?? false;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}
