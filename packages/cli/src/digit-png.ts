import { PNG } from 'pngjs';

/** Gray of the lines between digits in a grid: visible against white paper, lighter than ink. */
const GAP_GRAY = 190;

/**
 * Digits as one PNG grid, `columns` per row, each pixel drawn as a scale×scale square (no
 * smoothing, so the 28×28 grid stays visible), dark ink on white paper, one scaled pixel of
 * gray between digits.
 */
export function digitGridPng(
  digits: readonly Uint8Array[],
  rows: number,
  cols: number,
  scale: number,
  columns: number = digits.length,
): Buffer {
  const across = Math.max(1, Math.min(columns, digits.length));
  const down = Math.max(1, Math.ceil(digits.length / across));
  const gap = digits.length > 1 ? scale : 0;
  const cellWidth = cols * scale;
  const cellHeight = rows * scale;
  const width = across * cellWidth + (across - 1) * gap;
  const height = down * cellHeight + (down - 1) * gap;
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8 });
  png.data.fill(GAP_GRAY, 0, width * height);
  digits.forEach((pixels, i) => {
    const left = (i % across) * (cellWidth + gap);
    const top = Math.floor(i / across) * (cellHeight + gap);
    for (let y = 0; y < cellHeight; y++) {
      for (let x = 0; x < cellWidth; x++) {
        const ink = pixels[Math.floor(y / scale) * cols + Math.floor(x / scale)]!;
        png.data[(top + y) * width + left + x] = 255 - ink;
      }
    }
  });
  // Blank grid cells past the last digit are paper, not gap.
  for (let i = digits.length; i < across * down; i++) {
    const left = (i % across) * (cellWidth + gap);
    const top = Math.floor(i / across) * (cellHeight + gap);
    for (let y = 0; y < cellHeight; y++) {
      png.data.fill(255, (top + y) * width + left, (top + y) * width + left + cellWidth);
    }
  }
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0 });
}

/** One digit as PNG bytes (see digitGridPng). */
export function digitPng(pixels: Uint8Array, rows: number, cols: number, scale: number): Buffer {
  return digitGridPng([pixels], rows, cols, scale, 1);
}
