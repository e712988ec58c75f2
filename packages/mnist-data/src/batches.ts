import { Rng } from '@s4/runtime';
import { MnistDataError } from './errors';
import type { MnistData } from './mnist';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle the order each epoch (default true). */
  shuffle?: boolean;
  /** Seed of the Rng (mulberry32) that draws the order; same seed, same batches. Default 0. */
  seed?: number;
  /** Drop a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

/** A batch: copies of the chosen images and labels, and their indices in the split. */
export interface MnistBatch {
  images: Uint8Array;
  labels: Uint8Array;
  indices: Int32Array;
  size: number;
}

/**
 * One epoch of batches over `data`, in a seeded shuffled order (Fisher–Yates driven by
 * mulberry32, see `Rng`) or in file order with `shuffle: false`.
 */
export function* batches(
  data: Pick<MnistData, 'images' | 'labels' | 'count' | 'rows' | 'cols'>,
  options: BatchOptions,
): Generator<MnistBatch, void, undefined> {
  const { batchSize } = options;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new MnistDataError(
      'BAD_OPTION',
      `batchSize: expected a positive integer, found ${String(batchSize)}`,
      { file: 'batchSize' },
    );
  }
  const order =
    options.shuffle === false
      ? Int32Array.from({ length: data.count }, (_, i) => i)
      : new Rng(options.seed ?? 0).permutation(data.count);
  const pixels = data.rows * data.cols;
  for (let start = 0; start < data.count; start += batchSize) {
    const size = Math.min(batchSize, data.count - start);
    if (size < batchSize && options.dropLast) return;
    const indices = order.slice(start, start + size);
    const images = new Uint8Array(size * pixels);
    const labels = new Uint8Array(size);
    for (let b = 0; b < size; b++) {
      const index = indices[b]!;
      images.set(data.images.subarray(index * pixels, (index + 1) * pixels), b * pixels);
      labels[b] = data.labels[index]!;
    }
    yield { images, labels, indices, size };
  }
}
