import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
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
 * Vega-Lite spec of E_total against iteration, one line per learning rate (pass one run for a
 * per-rate chart). Colours follow the runs' order, as in the workbook's charts.
 */
export function errorChartSpec(
  runs: readonly BackpropRun[],
  options: ErrorChartOptions = {},
): TopLevelSpec {
  const rates = runs.map((run) => run.learningRate);
  const title =
    options.title ??
    (runs.length === 1
      ? `E_total vs iteration, η = ${rates[0]}`
      : 'E_total vs iteration for each learning rate η');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: options.width ?? 560,
    height: options.height ?? 320,
    background: 'white',
    data: {
      values: runs.flatMap((run) =>
        run.rows.map((row) => ({
          iteration: row.iteration,
          E_total: row.E_total,
          eta: run.learningRate,
        })),
      ),
    },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'iteration', type: 'quantitative', title: 'iteration' },
      y: { field: 'E_total', type: 'quantitative', title: 'E_total (total squared error)' },
      color: {
        field: 'eta',
        type: 'nominal',
        title: 'learning rate η',
        sort: null,
        scale: {
          domain: rates,
          range: rates.map((_, k) => `#${paletteColor((options.firstColor ?? 0) + k)}`),
        },
      },
    },
    config: { font: 'DejaVu Sans, Verdana, sans-serif' },
  };
}

/** Compiles a Vega-Lite spec and renders it headless (no DOM, no canvas) to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
