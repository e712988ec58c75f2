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

/**
 * `labelSmoothing` (ε in [0, 1)) as a typed error naming the option, else the value (0 when
 * absent).
 */
export function checkLabelSmoothing(value: number | undefined, name = 'labelSmoothing'): number {
  if (value === undefined) return 0;
  if (!(typeof value === 'number' && value >= 0 && value < 1)) {
    throw new CoreError('BAD_ARGUMENT', `${name}: expected a number in [0, 1), found ${value}`);
  }
  return value;
}

/**
 * PyTorch's `CrossEntropyLoss(label_smoothing=ε)` on log-probabilities, per example:
 * (1 − ε)·(−log p(label)) + ε·mean over classes of −log p(c), i.e. cross-entropy against the
 * target (1 − ε)·one-hot + ε/C. ε = 0 is `nllPerExample`.
 */
export function smoothedNllPerExample(
  logProbs: tf.Tensor,
  labels: tf.Tensor,
  labelSmoothing: number,
): tf.Tensor1D {
  checkShapes(logProbs, labels, 'smoothedNllLoss');
  const epsilon = checkLabelSmoothing(labelSmoothing);
  if (epsilon === 0) return nllPerExample(logProbs, labels);
  return tf.tidy(() => {
    const nll = nllPerExample(logProbs, labels);
    const uniform = tf.neg(tf.mean(logProbs, 1));
    return tf.add(tf.mul(nll, 1 - epsilon), tf.mul(uniform, epsilon)) as tf.Tensor1D;
  });
}

/** Per-example loss of the given kind. */
export function lossPerExample(kind: LossKind, output: tf.Tensor, labels: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => nllPerExample(kind === 'nll' ? output : tf.logSoftmax(output), labels));
}

/** Mean loss of the given kind; `labelSmoothing` ε > 0 smooths the targets (training only). */
export function lossFunction(
  kind: LossKind,
  output: tf.Tensor,
  labels: tf.Tensor,
  labelSmoothing = 0,
): tf.Scalar {
  if (labelSmoothing === 0) {
    return kind === 'nll' ? nllLoss(output, labels) : crossEntropyLoss(output, labels);
  }
  checkShapes(output, labels, kind === 'nll' ? 'nllLoss' : 'crossEntropyLoss');
  return tf.tidy(() => {
    const logProbs = kind === 'nll' ? output : tf.logSoftmax(output);
    return tf.mean(smoothedNllPerExample(logProbs, labels, labelSmoothing)) as tf.Scalar;
  });
}
