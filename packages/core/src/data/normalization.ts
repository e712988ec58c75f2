import { MNIST_MEAN, MNIST_STD } from '@s4/mnist-data';

/** Input normalisation x = (pixel/255 − mean)/std, as torchvision's Normalize (checkpoints record it). */
export interface Normalization {
  mean: number;
  std: number;
}

/** MNIST's training-set statistics (0.1307, 0.3081), as in the PyTorch MNIST example. */
export const MNIST_NORMALIZATION: Readonly<Normalization> = { mean: MNIST_MEAN, std: MNIST_STD };

/** The normalised value of one pixel (fractional after augmentation). */
export function normalizePixel(value: number, n: Normalization): number {
  return (value / 255 - n.mean) / n.std;
}

/** The 256 normalised values of the integer pixels, so plain images need one lookup a pixel. */
export function normalizationTable(n: Normalization): Float32Array {
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = normalizePixel(v, n);
  return table;
}

/** Pixels 0–255 → a Float32Array of normalised values (the same values training saw). */
export function normalizePixels(
  pixels: Uint8Array | Uint8ClampedArray,
  n: Normalization = MNIST_NORMALIZATION,
): Float32Array {
  const table = normalizationTable(n);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]!]!;
  return out;
}
