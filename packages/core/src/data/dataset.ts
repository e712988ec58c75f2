import type { MnistData } from '@s4/mnist-data';
import { CoreError } from '../errors';

/**
 * Images and labels as typed arrays: what `@s4/mnist-data`'s `loadMnist` returns, or a subset.
 * `images` holds `count` images of `rows`×`cols` uint8 pixels (0 = black background), row-major.
 */
export type ImageDataset = Pick<MnistData, 'images' | 'labels' | 'count' | 'rows' | 'cols'>;

/** Number of classes the losses and confusion matrices assume (digits 0–9). */
export const NUM_CLASSES = 10;

/** Throws a BAD_ARGUMENT error naming `name` unless `data` is a consistent image dataset. */
export function checkDataset(data: ImageDataset, name: string): void {
  const { count, rows, cols } = data;
  if (!(Number.isInteger(count) && count > 0)) {
    throw new CoreError('BAD_ARGUMENT', `${name}: expected a positive image count, found ${count}`);
  }
  if (!(data.images instanceof Uint8Array) || data.images.length !== count * rows * cols) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `${name}: expected ${count}·${rows}·${cols} = ${count * rows * cols} uint8 pixels, found ${data.images?.length ?? 'none'}`,
    );
  }
  if (!(data.labels instanceof Uint8Array) || data.labels.length !== count) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `${name}: expected ${count} uint8 labels, found ${data.labels?.length ?? 'none'}`,
    );
  }
}

/** The examples `start … start+count-1` (views, no copy). */
export function sliceDataset(data: ImageDataset, start: number, count: number): ImageDataset {
  const end = Math.min(start + count, data.count);
  const pixels = data.rows * data.cols;
  return {
    images: data.images.subarray(start * pixels, end * pixels),
    labels: data.labels.subarray(start, end),
    count: end - start,
    rows: data.rows,
    cols: data.cols,
  };
}
