import { tf } from './backend';
import { CoreError, formatShape } from './errors';

/** Which loss a model's output calls for: NLL on log-probabilities, or cross-entropy on logits. */
export type LossKind = 'nll' | 'cross-entropy';

function checkShapes(scores: tf.Tensor, labels: tf.Tensor, name: string): void {
  if (scores.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== scores.shape[0]) {
    throw new CoreError(
      'SHAPE_MISMATCH',
      `${name}: expected scores [batch, classes] and labels [batch], got ${formatShape(scores.shape)} and ${formatShape(labels.shape)}`,
    );
  }
}

/** −log p(label) for each example, from log-probabilities `[B, C]` and int32 labels `[B]`. */
export function nllPerExample(logProbs: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  checkShapes(logProbs, labels, 'nllLoss');
  return tf.tidy(() => {
    const picked = tf.sum(
      tf.mul(logProbs, tf.oneHot(tf.cast(labels, 'int32'), logProbs.shape[1]!)),
      1,
    );
    return tf.neg(picked) as tf.Tensor1D;
  });
}

/** PyTorch's `F.nll_loss` (mean over the batch): pair with a model ending in LogSoftmax. */
export function nllLoss(logProbs: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(nllPerExample(logProbs, labels)) as tf.Scalar);
}

/** PyTorch's `F.cross_entropy` (mean over the batch) on raw logits: log-softmax, then NLL. */
export function crossEntropyLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  checkShapes(logits, labels, 'crossEntropyLoss');
  return tf.tidy(() => nllLoss(tf.logSoftmax(logits), labels));
}

/** Per-example loss of the given kind. */
export function lossPerExample(kind: LossKind, output: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => nllPerExample(kind === 'nll' ? output : tf.logSoftmax(output), labels));
}

/** Mean loss of the given kind. */
export function lossFunction(kind: LossKind, output: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return kind === 'nll' ? nllLoss(output, labels) : crossEntropyLoss(output, labels);
}
