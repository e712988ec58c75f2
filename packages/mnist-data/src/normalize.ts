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
  // One multiply-add per pixel; measured faster than a 256-entry lookup table (bench/load.mjs).
  const scale = 1 / (255 * std);
  const offset = -mean / std;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! * scale + offset;
  return out;
}
