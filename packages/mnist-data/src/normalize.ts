/** Mean and standard deviation of MNIST training pixels scaled to [0, 1]. */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

export interface NormalizeOptions {
  /** Default MNIST_MEAN. */
  mean?: number;
  /** Default MNIST_STD. */
  std?: number;
}

/** Pixels 0–255 → Float32Array of (pixel/255 − mean)/std, as torchvision's Normalize does. */
export function normalizePixels(pixels: Uint8Array, options: NormalizeOptions = {}): Float32Array {
  const mean = options.mean ?? MNIST_MEAN;
  const std = options.std ?? MNIST_STD;
  // One lookup table of 256 values instead of a division per pixel.
  const table = new Float32Array(256);
  for (let v = 0; v < 256; v++) table[v] = (v / 255 - mean) / std;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = table[pixels[i]!]!;
  return out;
}
