import { type Heatmap, heatmapSvg } from './heatmap';
import { type LineChart, lineChartSvg } from './line-chart';
import type { ChartTheme } from './theme';

/** Every chart S4 draws: plain data, so a chart can be built in one place and drawn anywhere. */
export type Chart = LineChart | Heatmap;

/** A chart as a standalone SVG string (no DOM needed: Node, browsers and workers alike). */
export function renderSvg(chart: Chart, theme?: ChartTheme): string {
  return chart.kind === 'line' ? lineChartSvg(chart, theme) : heatmapSvg(chart, theme);
}
