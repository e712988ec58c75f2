import { tf } from './backend';
import { MNIST_NORMALIZATION, type Normalization, normalizePixels } from './data/normalization';
import { CoreError } from './errors';
import type { Module } from './nn/module';
import { Sequential } from './nn/sequential';
import { yieldToEventLoop } from './yield';

/** 0–255 pixels, 0 = background: one image, several images back to back, or a list of images. */
export type PredictImages =
  | Uint8Array
  | Uint8ClampedArray
  | readonly (Uint8Array | Uint8ClampedArray)[];

export interface PredictOptions {
  /** The normalisation the model was trained with (a checkpoint records it). Default: MNIST's. */
  normalization?: Normalization;
  /** Images per forward pass. Default 256. */
  batchSize?: number;
  /** Image height and width. Default 28×28. */
  rows?: number;
  cols?: number;
  /**
   * Also return what each layer of a `Sequential` outputs for every image (for pictures of
   * what the network sees). Off by default: it reads every activation back from the backend.
   */
  layers?: boolean;
}

/** One layer's output for one image: NHWC without the batch axis (`[H, W, C]` or `[features]`). */
export interface LayerOutput {
  shape: number[];
  values: Float32Array;
}

export interface Prediction {
  /** The predicted class: the model output's largest entry (as `evaluate` counts it). */
  label: number;
  /** The class probabilities: softmax of the model's output (its logits or log-probabilities). */
  probabilities: Float32Array;
  /** With `layers: true`: the output of each of the Sequential's layers, in order. */
  layers?: LayerOutput[];
}

/**
 * Classifies images with a model in eval mode, in batches, without gradients: the predicted
 * class and the class probabilities of each image, in order. Pixels are normalised exactly as
 * training normalised them. The model's train/eval mode is restored; no tensor outlives the call.
 */
export async function predict(
  model: Module,
  images: PredictImages,
  options: PredictOptions = {},
): Promise<Prediction[]> {
  const rows = options.rows ?? 28;
  const cols = options.cols ?? 28;
  const pixels = rows * cols;
  const batchSize = options.batchSize ?? 256;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `predict batchSize: expected a positive integer, found ${batchSize}`,
    );
  }
  const list = Array.isArray(images) ? images : [images as Uint8Array | Uint8ClampedArray];
  for (const [i, image] of list.entries()) {
    if (
      !(image instanceof Uint8Array || image instanceof Uint8ClampedArray) ||
      image.length % pixels !== 0
    ) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `predict images[${i}]: expected uint8 pixels in whole ${rows}×${cols} images, found ${image?.length ?? 'none'} values`,
      );
    }
  }
  const normalized = list.map((image) =>
    normalizePixels(image, options.normalization ?? MNIST_NORMALIZATION),
  );
  const input = new Float32Array(normalized.reduce((sum, image) => sum + image.length, 0));
  let offset = 0;
  for (const image of normalized) {
    input.set(image, offset);
    offset += image.length;
  }
  const count = input.length / pixels;
  if (options.layers && !(model instanceof Sequential)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      'predict layers: only a Sequential model has layers to show',
    );
  }
  const layers = options.layers ? (model as Sequential).layers : [model];
  const results: Prediction[] = [];
  const wasTraining = model.training;
  model.eval();
  try {
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      const x = input.subarray(start * pixels, (start + size) * pixels);
      // Each layer's output is kept only when asked for; the last one is the model's output.
      const outputs = tf.tidy(() => {
        const kept: tf.Tensor[] = [];
        let y: tf.Tensor = tf.tensor4d(x, [size, rows, cols, 1], 'float32');
        for (const layer of layers) {
          y = layer.forward(y);
          if (options.layers) kept.push(y);
        }
        return [...kept, tf.argMax(y, 1), tf.softmax(y)];
      });
      try {
        const [labels, probabilities] = (await Promise.all(
          outputs.slice(-2).map((t) => t.data()),
        )) as [Int32Array, Float32Array];
        const classes = probabilities.length / size;
        const layerData = await Promise.all(outputs.slice(0, -2).map((t) => t.data()));
        for (let i = 0; i < size; i++) {
          const prediction: Prediction = {
            label: labels[i]!,
            probabilities: probabilities.slice(i * classes, (i + 1) * classes),
          };
          if (options.layers) {
            prediction.layers = outputs.slice(0, -2).map((t, l) => {
              const per = t.size / size;
              const data = layerData[l] as Float32Array;
              return { shape: t.shape.slice(1), values: data.slice(i * per, (i + 1) * per) };
            });
          }
          results.push(prediction);
        }
      } finally {
        tf.dispose(outputs);
      }
      await yieldToEventLoop();
    }
  } finally {
    model.train(wasTraining);
  }
  return results;
}
