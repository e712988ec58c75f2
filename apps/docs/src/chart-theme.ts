import { type ChartTheme, DARK_THEME } from '@s4/charts';

/**
 * The site's `@s4/charts` theme: transparent, so a chart sits on the page in light and dark mode
 * alike, in the page's font.
 */
export function pageChartTheme(dark: boolean): ChartTheme {
  if (dark) return DARK_THEME;
  return {
    background: 'transparent',
    text: '#3c3c43',
    muted: '#67676c',
    grid: '#e2e2e3',
    font: DARK_THEME.font,
  };
}

/**
 * Vega-Lite settings for the site's Vega-Lite chart (the benchmark bars), in the same colours: transparent background, so a chart sits on the
 * page in light and dark mode alike, with text and grid colours readable on either.
 */
export function chartTheme(dark: boolean) {
  const { text, muted, grid, font } = pageChartTheme(dark);
  return {
    background: 'transparent',
    config: {
      font,
      view: { stroke: null },
      axis: {
        labelColor: muted,
        titleColor: text,
        gridColor: grid,
        domainColor: muted,
        tickColor: muted,
        labelFontSize: 12,
        titleFontSize: 12,
        titleFontWeight: 600,
      },
      legend: { labelColor: text, titleColor: text, labelFontSize: 12, titleFontSize: 12 },
      title: { color: text, fontSize: 14, subtitleColor: muted },
      text: { color: text },
    },
  };
}

/** The spec with the theme applied (the spec's own `config` entries win). */
export function themed<T extends object>(
  spec: T,
  dark: boolean,
): T & { background: string; config: Record<string, unknown> } {
  const theme = chartTheme(dark);
  const config: Record<string, unknown> = { ...theme.config };
  const own = (spec as { config?: Record<string, unknown> }).config ?? {};
  for (const [key, value] of Object.entries(own)) {
    const base = config[key];
    config[key] =
      typeof base === 'object' && base !== null && typeof value === 'object' && value !== null
        ? { ...base, ...value }
        : value;
  }
  return { background: theme.background, ...spec, config };
}
