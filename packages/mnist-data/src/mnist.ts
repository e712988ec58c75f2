import type { MnistSplit } from './checksums';
import { MnistDataError } from './errors';
import type { IdxData } from './idx';

/** Where a split was loaded from. */
export interface MnistSource {
  kind: 'dir' | 'cache' | 'package' | 'mirror';
  /** Folder or mirror URL. */
  location: string;
}

/** One MNIST split: `count` images of rows×cols uint8 pixels (0 = background) and their labels. */
export interface MnistData {
  split: MnistSplit;
  /** count·rows·cols pixels, image after image, row-major. */
  images: Uint8Array;
  /** count labels in 0–9. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  source: MnistSource;
}

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_CLASSES = 10;

export interface AssembleOptions {
  split: MnistSplit;
  imagesName: string;
  labelsName: string;
  source: MnistSource;
  limit?: number | undefined;
}

/** Checks that decoded images and labels form an MNIST split, and keeps the first `limit`. */
export function assembleMnist(
  images: IdxData,
  labels: IdxData,
  options: AssembleOptions,
): MnistData {
  const { imagesName, labelsName } = options;
  if (images.dtype !== 'uint8' || images.dims.length !== 3) {
    throw new MnistDataError(
      'BAD_SHAPE',
      `${imagesName}: expected uint8 images of shape [count, 28, 28], found ${images.dtype} [${images.dims.join(', ')}]`,
      { file: imagesName },
    );
  }
  const [count, rows, cols] = images.dims as [number, number, number];
  if (rows !== MNIST_ROWS || cols !== MNIST_COLS) {
    throw new MnistDataError(
      'BAD_SHAPE',
      `${imagesName}: expected 28×28 images, found ${rows}×${cols}`,
      { file: imagesName },
    );
  }
  if (labels.dtype !== 'uint8' || labels.dims.length !== 1) {
    throw new MnistDataError(
      'BAD_SHAPE',
      `${labelsName}: expected uint8 labels of shape [count], found ${labels.dtype} [${labels.dims.join(', ')}]`,
      { file: labelsName },
    );
  }
  if (count === 0) {
    throw new MnistDataError(
      'BAD_SHAPE',
      `${imagesName}: expected at least one image, found [0, ${rows}, ${cols}] (an empty split)`,
      { file: imagesName },
    );
  }
  const labelCount = labels.dims[0]!;
  if (labelCount !== count) {
    throw new MnistDataError(
      'COUNT_MISMATCH',
      `${labelsName}: expected ${count} labels (one per image in ${imagesName}), found ${labelCount}`,
      { file: labelsName },
    );
  }
  const labelData = labels.data as Uint8Array;
  for (let i = 0; i < labelData.length; i++) {
    if (labelData[i]! >= MNIST_CLASSES) {
      throw new MnistDataError(
        'BAD_LABEL',
        `${labelsName}: expected labels 0–9, found ${labelData[i]} at index ${i}`,
        { file: labelsName },
      );
    }
  }
  const kept = options.limit === undefined ? count : Math.min(options.limit, count);
  const pixels = rows * cols;
  const imageData = images.data as Uint8Array;
  return {
    split: options.split,
    // Copy a subset so the full file's buffer can be garbage-collected.
    images: kept === count ? imageData : imageData.slice(0, kept * pixels),
    labels: kept === count ? labelData : labelData.slice(0, kept),
    count: kept,
    rows,
    cols,
    source: options.source,
  };
}

/** Throws BAD_OPTION unless `split` is 'train' or 'test' and `limit` a positive integer. */
export function checkLoadOptions(split: unknown, limit: unknown): asserts split is MnistSplit {
  if (split !== 'train' && split !== 'test') {
    throw new MnistDataError(
      'BAD_OPTION',
      `split: expected 'train' or 'test', found ${String(split)}`,
      {
        file: 'split',
      },
    );
  }
  if (limit !== undefined && !(Number.isInteger(limit) && (limit as number) > 0)) {
    throw new MnistDataError(
      'BAD_OPTION',
      `limit: expected a positive integer, found ${String(limit)}`,
      {
        file: 'limit',
      },
    );
  }
}
