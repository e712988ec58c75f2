import { tf } from './backend';
import { type PreparedBatch, prepareEvalBatch } from './data/batches';
import { checkDataset, type ImageDataset, NUM_CLASSES } from './data/dataset';
import { MNIST_NORMALIZATION, type Normalization } from './data/normalization';
import { batchToTensors } from './data/to-tensors';
import { CoreError } from './errors';
import { type LossKind, lossPerExample } from './losses';
import type { Module } from './nn/module';
import { lossKindFor } from './train-step';
import { yieldToEventLoop } from './yield';

export interface EvaluateOptions {
  /** Images per forward pass (default 1000): memory against speed, same result. */
  batchSize?: number | undefined;
  normalization?: Normalization | undefined;
  /** Default: from the model's last layer (see lossKindFor). */
  loss?: LossKind | undefined;
  /** Called after each batch with the images done so far (for a progress bar). */
  onProgress?: ((done: number, total: number) => void) | undefined;
  signal?: AbortSignal | undefined;
  /**
   * Runs the eval-mode forward of one batch elsewhere (fit passes its data-parallel workers'
   * `predict`); default: here, on `model`. Must return per-example losses and predictions.
   */
  predictBatch?: (
    batch: PreparedBatch,
  ) => Promise<{ losses: ArrayLike<number>; predictions: ArrayLike<number> }>;
}

export interface Evaluation {
  /** Mean loss per image. */
  loss: number;
  correct: number;
  total: number;
  /** correct / total. */
  accuracy: number;
  /** confusion[label][prediction]: counts, rows are true classes (like scikit-learn). */
  confusion: number[][];
  /** Accuracy of each true class (NaN for a class absent from the data). */
  perClassAccuracy: number[];
  /** Dataset indices of the misclassified images, in order. */
  misclassified: number[];
  /** The predicted class of every image. */
  predictions: Uint8Array;
}

/**
 * Runs the model in eval mode over `data` in batches (no augmentation, no gradients) and
 * gathers loss, accuracy, the confusion matrix, per-class accuracy and the misclassified
 * images. The model's train/eval mode is restored afterwards; no tensor outlives the call.
 */
export async function evaluate(
  model: Module,
  data: ImageDataset,
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  checkDataset(data, 'evaluate data');
  const batchSize = options.batchSize ?? 1000;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `evaluate batchSize: expected a positive integer, found ${batchSize}`,
    );
  }
  const lossKind = options.loss ?? lossKindFor(model);
  const normalization = options.normalization ?? MNIST_NORMALIZATION;
  const confusion = Array.from({ length: NUM_CLASSES }, () =>
    new Array<number>(NUM_CLASSES).fill(0),
  );
  const predictions = new Uint8Array(data.count);
  const misclassified: number[] = [];
  let lossSum = 0;
  let correct = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    for (let start = 0; start < data.count; start += batchSize) {
      options.signal?.throwIfAborted();
      const batch = prepareEvalBatch(data, start, batchSize, normalization);
      const [losses, predicted] = options.predictBatch
        ? await options.predictBatch(batch).then((r) => [r.losses, r.predictions] as const)
        : tf.tidy(() => {
            const { x, y } = batchToTensors(batch);
            const output = model.forward(x);
            return [
              lossPerExample(lossKind, output, y).dataSync(),
              tf.argMax(output, 1).dataSync(),
            ] as const;
          });
      for (let i = 0; i < batch.size; i++) {
        const index = start + i;
        const label = batch.labels[i]!;
        const prediction = predicted[i]!;
        lossSum += losses[i]!;
        predictions[index] = prediction;
        confusion[label]![prediction]! += 1;
        if (prediction === label) correct += 1;
        else misclassified.push(index);
      }
      options.onProgress?.(start + batch.size, data.count);
      await yieldToEventLoop();
    }
  } finally {
    model.train(wasTraining);
  }
  const perClassAccuracy = confusion.map((row, label) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total === 0 ? Number.NaN : row[label]! / total;
  });
  return {
    loss: lossSum / data.count,
    correct,
    total: data.count,
    accuracy: correct / data.count,
    confusion,
    perClassAccuracy,
    misclassified,
    predictions,
  };
}
