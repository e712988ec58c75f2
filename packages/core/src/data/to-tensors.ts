import { tf } from '../backend';
import type { PreparedBatch } from './batches';

/** A prepared batch as tensors: images `[B, rows, cols, 1]` float32, labels `[B]` int32. */
export function batchToTensors(batch: PreparedBatch): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return {
    x: tf.tensor4d(batch.x, [batch.size, batch.rows, batch.cols, 1], 'float32'),
    y: tf.tensor1d(batch.labels, 'int32'),
  };
}
