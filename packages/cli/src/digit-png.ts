import { PNG } from 'pngjs';

/**
 * One grayscale digit as PNG bytes, each pixel drawn as a scale×scale square (no smoothing, so
 * the 28×28 grid stays visible), dark ink on white paper.
 */
export function digitPng(pixels: Uint8Array, rows: number, cols: number, scale: number): Buffer {
  const width = cols * scale;
  const height = rows * scale;
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      png.data[y * width + x] = 255 - pixels[Math.floor(y / scale) * cols + Math.floor(x / scale)]!;
    }
  }
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}
