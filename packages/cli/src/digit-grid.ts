import { digitPng } from './digit-png';

export interface LabelledDigit {
  /** 28×28 (rows×cols) grayscale pixels, 0 = background, as MNIST stores them. */
  pixels: Uint8Array;
  actual: number;
  predicted: number;
}

export interface DigitGridOptions {
  title: string;
  imageHeight?: number;
  imageWidth?: number;
  /** Screen pixels per image pixel. */
  scale?: number;
  columns?: number;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An SVG grid of digits with their true and predicted labels (the misclassified test images),
 * each digit embedded as a PNG drawn at display size (no smoothing: the pixels stay visible).
 */
export function digitGridSvg(digits: readonly LabelledDigit[], options: DigitGridOptions): string {
  const rows = options.imageHeight ?? 28;
  const cols = options.imageWidth ?? 28;
  const scale = options.scale ?? 3;
  const columns = Math.max(1, Math.min(options.columns ?? 10, digits.length));
  const cellWidth = cols * scale + 16;
  const cellHeight = rows * scale + 34;
  const top = 40;
  const width = columns * cellWidth + 16;
  const height = top + Math.max(1, Math.ceil(digits.length / columns)) * cellHeight + 8;
  const cells = digits.map((digit, i) => {
    const x = 16 + (i % columns) * cellWidth;
    const y = top + Math.floor(i / columns) * cellHeight;
    const href = `data:image/png;base64,${digitPng(digit.pixels, rows, cols, scale).toString('base64')}`;
    return [
      `<rect x="${x - 1}" y="${y - 1}" width="${cols * scale + 2}" height="${rows * scale + 2}" fill="none" stroke="#bbb"/>`,
      `<image x="${x}" y="${y}" width="${cols * scale}" height="${rows * scale}" href="${href}"/>`,
      `<text x="${x + (cols * scale) / 2}" y="${y + rows * scale + 20}" text-anchor="middle" font-size="14">`,
      `<tspan fill="#2a7f2a">${digit.actual}</tspan><tspan fill="#666"> → </tspan><tspan fill="#c0392b" font-weight="bold">${digit.predicted}</tspan></text>`,
    ].join('');
  });
  const empty =
    digits.length === 0
      ? `<text x="16" y="${top + 20}" font-size="14">No misclassified images.</text>`
      : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Verdana, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="26" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
    ...cells,
    empty,
    '</svg>',
  ].join('\n');
}
