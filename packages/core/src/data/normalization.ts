import { MNIST_MEAN, MNIST_STD } from '@s4/mnist-data';
import type { Normalization } from '../checkpoint';

/** Input normalisation x = (pixel/255 − mean)/std (the type checkpoints record it with). */
export type { Normalization } from '../checkpoint';

/** MNIST's training-set statistics (0.1307, 0.3081), as in the PyTorch MNIST example. */
export const MNIST_NORMALIZATION: Readonly<Normalization> = { mean: MNIST_MEAN, std: MNIST_STD };

/** The normalised value of one pixel (fractional after augmentation). */
export function normalizePixel(value: number, n: Normalization): number {
  return (value / 255 - n.mean) / n.std;
}

/** The 256 normalised values of the integer pixels, so plain batches need one lookup a pixel. */
export function normalizationTable(n: Normalization): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = normalizePixel(v, n);
  return table;
}
