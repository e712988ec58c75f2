import { SERIES_COLORS } from '@s4/charts';

/**
 * The charts' categorical colours without the `#` (as the workbook's chart XML wants them), so a
 * learning rate has the same colour in the SVG/PNG charts and in the workbook's charts.
 */
export const PALETTE: readonly string[] = SERIES_COLORS.map((color) => color.slice(1));

export function paletteColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}
