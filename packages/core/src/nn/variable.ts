import { tf } from '../backend';

/** A variable holding `values`, without leaving the initial tensor behind. */
export function makeVariable(
  values: Float32Array | Int32Array,
  shape: number[],
  trainable = true,
): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), trainable));
}
