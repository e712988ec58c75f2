import { renderSvg } from '@s4/charts';
import { renderPng } from '@s4/charts/node';
import { errorChart } from './chart';
import type { BackpropConfig } from './config';
import { toCsv } from './csv';
import { type BackpropRun, runBackprop } from './iterations';
import { toJson } from './json';
import { toMarkdown } from './markdown';
import { rateSheetName, toXlsx } from './xlsx';

export const OUTPUT_FORMATS = ['csv', 'xlsx', 'json', 'md', 'svg', 'png'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Base name of the chart files; per-rate charts add `-lr-<rate>`. */
export const CHART_FILE_STEM = 'error-vs-iteration';

/**
 * Every requested output as file name → bytes, all rendered in memory first so a caller can
 * write nothing when anything fails. CSV: `lr-<rate>.csv`; workbook: `backprop.xlsx`; charts:
 * `error-vs-iteration.{svg,png}` (all rates) and `error-vs-iteration-lr-<rate>.{svg,png}`.
 */
export async function renderOutputFiles(
  config: BackpropConfig,
  formats: readonly OutputFormat[],
  runs: readonly BackpropRun[] = runBackprop(config),
): Promise<Map<string, Uint8Array>> {
  const encoder = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  const wants = new Set(formats);
  if (wants.has('csv')) {
    for (const run of runs) {
      files.set(`${rateSheetName(run.learningRate)}.csv`, encoder.encode(toCsv(run.rows)));
    }
  }
  if (wants.has('xlsx')) files.set('backprop.xlsx', toXlsx(config, runs));
  if (wants.has('json')) files.set('backprop.json', encoder.encode(toJson(config, runs)));
  if (wants.has('md')) {
    const chart = wants.has('svg') ? 'svg' : wants.has('png') ? 'png' : undefined;
    const markdown = toMarkdown(runs, chart ? { chartImage: `${CHART_FILE_STEM}.${chart}` } : {});
    files.set('backprop.md', encoder.encode(markdown));
  }
  if (wants.has('svg') || wants.has('png')) {
    const charts: Array<[stem: string, runs: readonly BackpropRun[], firstColor: number]> = [
      [CHART_FILE_STEM, runs, 0],
      ...runs.map(
        (run, k) =>
          [`${CHART_FILE_STEM}-${rateSheetName(run.learningRate)}`, [run], k] as [
            string,
            BackpropRun[],
            number,
          ],
      ),
    ];
    for (const [stem, chartRuns, firstColor] of charts) {
      const svg = renderSvg(errorChart(chartRuns, { firstColor }));
      if (wants.has('svg')) files.set(`${stem}.svg`, encoder.encode(svg));
      if (wants.has('png')) files.set(`${stem}.png`, renderPng(svg));
    }
  }
  return files;
}
