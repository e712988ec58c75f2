import { deriveSeed, Rng } from '@s4/runtime';
import { CoreError } from '../errors';
import {
  type AugmentOptions,
  affineTransformImage,
  checkAugmentOptions,
  sampleAffine,
} from './augmentation';
import { checkDataset, type ImageDataset } from './dataset';
import {
  MNIST_NORMALIZATION,
  type Normalization,
  normalizationTable,
  normalizePixel,
} from './normalization';
import { STREAM_AUGMENT, STREAM_SHUFFLE } from './seeds';

/**
 * A batch ready for the model, as plain typed arrays (transferable to a worker): `x` holds
 * `size` normalised images in NHWC order (`[size, rows, cols, 1]`), `labels` their classes.
 */
export interface PreparedBatch {
  x: Float32Array;
  labels: Int32Array;
  /** Positions of the images in the dataset. */
  indices: Int32Array;
  size: number;
  rows: number;
  cols: number;
}

export interface PrepareBatchOptions {
  /** Default MNIST's (0.1307, 0.3081). */
  normalization?: Normalization;
  /** Random affine augmentation; none when absent. */
  augment?: AugmentOptions | undefined;
  /** Seed of this batch's augmentation draws. */
  augmentSeed?: number;
}

/**
 * Gathers the images at `indices`, augments them if asked (on the uint8 pixels, so the
 * background stays black) and normalises them into one Float32Array. Pure: no tensors, no
 * shared state, so it can run ahead of the training step or inside a worker.
 */
export function prepareBatch(
  data: ImageDataset,
  indices: Int32Array,
  options: PrepareBatchOptions = {},
): PreparedBatch {
  const { rows, cols } = data;
  const pixels = rows * cols;
  const size = indices.length;
  const normalization = options.normalization ?? MNIST_NORMALIZATION;
  const x = new Float32Array(size * pixels);
  const labels = new Int32Array(size);
  if (options.augment) {
    const rng = new Rng(options.augmentSeed ?? 0);
    for (let b = 0; b < size; b++) {
      const index = indices[b]!;
      const params = sampleAffine(rng, options.augment, rows, cols);
      affineTransformImage(data.images, index * pixels, x, b * pixels, rows, cols, params);
      for (let i = b * pixels; i < (b + 1) * pixels; i++)
        x[i] = normalizePixel(x[i]!, normalization);
      labels[b] = data.labels[index]!;
    }
  } else {
    const table = normalizationTable(normalization);
    for (let b = 0; b < size; b++) {
      const index = indices[b]!;
      const src = index * pixels;
      const dst = b * pixels;
      for (let i = 0; i < pixels; i++) x[dst + i] = table[data.images[src + i]!]!;
      labels[b] = data.labels[index]!;
    }
  }
  return { x, labels, indices, size, rows, cols };
}

export interface TrainingBatchesOptions {
  batchSize: number;
  /** Base seed: the order of epoch e and the augmentation of batch b derive from it. */
  seed: number;
  /** Shuffle every epoch (default true). */
  shuffle?: boolean;
  /** Drop a last batch smaller than batchSize (default false, like PyTorch's DataLoader). */
  dropLast?: boolean;
  augment?: AugmentOptions | undefined;
  normalization?: Normalization;
}

/**
 * The batches of a training run, addressable as (epoch, batch). Each epoch's order and each
 * batch's augmentation come from their own seeded generator (see `deriveSeed`), so batch k can
 * be prepared before batch k−1, in another thread, or after a resume, always identically.
 */
export class TrainingBatches {
  readonly data: ImageDataset;
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  readonly options: Readonly<TrainingBatchesOptions>;
  #cachedEpoch = -1;
  #cachedOrder: Int32Array = new Int32Array(0);

  constructor(data: ImageDataset, options: TrainingBatchesOptions) {
    checkDataset(data, 'trainData');
    const { batchSize } = options;
    if (!(Number.isInteger(batchSize) && batchSize > 0)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `batchSize: expected a positive integer, found ${String(batchSize)}`,
      );
    }
    if (!Number.isInteger(options.seed)) {
      throw new CoreError('BAD_ARGUMENT', `seed: expected an integer, found ${options.seed}`);
    }
    if (options.augment) checkAugmentOptions(options.augment);
    this.data = data;
    this.batchSize = batchSize;
    this.options = options;
    this.batchesPerEpoch = options.dropLast
      ? Math.floor(data.count / batchSize)
      : Math.ceil(data.count / batchSize);
    if (this.batchesPerEpoch === 0) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `batchSize: ${batchSize} with dropLast leaves no batch of ${data.count} examples`,
      );
    }
  }

  /** The order of the examples in epoch `epoch` (0-based). */
  order(epoch: number): Int32Array {
    if (epoch !== this.#cachedEpoch) {
      this.#cachedOrder =
        this.options.shuffle === false
          ? Int32Array.from({ length: this.data.count }, (_, i) => i)
          : new Rng(deriveSeed(this.options.seed, STREAM_SHUFFLE, epoch)).permutation(
              this.data.count,
            );
      this.#cachedEpoch = epoch;
    }
    return this.#cachedOrder;
  }

  /** Batch `batch` (0-based) of epoch `epoch`, augmented and normalised. */
  prepare(epoch: number, batch: number): PreparedBatch {
    if (!(batch >= 0 && batch < this.batchesPerEpoch)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `batch: expected 0–${this.batchesPerEpoch - 1}, found ${batch}`,
      );
    }
    const start = batch * this.batchSize;
    const indices = this.order(epoch).slice(start, start + this.batchSize);
    return prepareBatch(this.data, indices, {
      normalization: this.options.normalization ?? MNIST_NORMALIZATION,
      augment: this.options.augment,
      augmentSeed: deriveSeed(this.options.seed, STREAM_AUGMENT, epoch, batch),
    });
  }
}

/** The examples `start … start+size-1` in file order, normalised, never augmented (evaluation). */
export function prepareEvalBatch(
  data: ImageDataset,
  start: number,
  size: number,
  normalization: Normalization = MNIST_NORMALIZATION,
): PreparedBatch {
  const end = Math.min(start + size, data.count);
  const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
  return prepareBatch(data, indices, { normalization });
}
