/**
 * Vega's default categorical scheme ("tableau10"), so a learning rate has the same colour in the
 * SVG/PNG charts and in the workbook's charts.
 */
export const PALETTE = [
  '4c78a8',
  'f58518',
  'e45756',
  '72b7b2',
  '54a24b',
  'eeca3b',
  'b279a2',
  'ff9da6',
  '9d755d',
  'bab0ac',
] as const;

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
