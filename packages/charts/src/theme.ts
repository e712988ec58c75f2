/** Colours and font of a chart: files are drawn on white, the docs follow the page's mode. */
export interface ChartTheme {
  /** Fill behind the whole chart; `transparent` draws none. */
  background: string;
  text: string;
  muted: string;
  grid: string;
  font: string;
}

/** The run folders' charts: white, in a font every Debian/Ubuntu machine has for PNGs. */
export const LIGHT_THEME: ChartTheme = {
  background: 'white',
  text: '#3c3c43',
  muted: '#67676c',
  grid: '#e2e2e3',
  font: 'DejaVu Sans, Verdana, sans-serif',
};

/** For dark pages: text and grid readable on a dark background, which shows through. */
export const DARK_THEME: ChartTheme = {
  background: 'transparent',
  text: '#dfdfd6',
  muted: '#98989f',
  grid: '#3c3f44',
  font: 'Inter, ui-sans-serif, system-ui, sans-serif',
};

/**
 * Vega's default categorical colours ("tableau10"), kept so that a series has the colour it had
 * in earlier charts and in the backprop workbook.
 */
export const SERIES_COLORS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
] as const;

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}
