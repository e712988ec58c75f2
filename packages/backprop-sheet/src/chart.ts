import type { LineChart } from '@s4/charts';
import type { BackpropRun } from './iterations';
import { paletteColor } from './palette';

export interface ErrorChartOptions {
  readonly title?: string;
  readonly width?: number;
  readonly height?: number;
  /** Palette index of the first run's colour, so a per-rate chart keeps that rate's colour. */
  readonly firstColor?: number;
}

/**
 * E_total against iteration, one line per learning rate (pass one run for a per-rate chart), as
 * an `@s4/charts` line chart. Colours follow the runs' order, as in the workbook's charts.
 */
export function errorChart(
  runs: readonly BackpropRun[],
  options: ErrorChartOptions = {},
): LineChart {
  const rates = runs.map((run) => run.learningRate);
  const title =
    options.title ??
    (runs.length === 1
      ? `E_total vs iteration, η = ${rates[0]}`
      : 'E_total vs iteration for each learning rate η');
  return {
    kind: 'line',
    title,
    panelWidth: options.width ?? 560,
    panelHeight: options.height ?? 320,
    legendTitle: 'learning rate η',
    panels: [
      {
        x: { title: 'iteration', integer: true },
        y: { title: 'E_total (total squared error)' },
        series: runs.map((run, k) => ({
          label: String(run.learningRate),
          points: run.rows.map((row) => [row.iteration, row.E_total] as const),
          color: `#${paletteColor((options.firstColor ?? 0) + k)}`,
        })),
      },
    ],
  };
}
