import { COLUMNS, type IterationRow } from './columns';
import type { BackpropRun } from './iterations';

export interface MarkdownOptions {
  /** Significant digits shown (the CSV and JSON keep full precision). */
  readonly digits?: number;
  /** Relative path of the E_total chart to show under the summary (e.g. error-vs-iteration.svg). */
  readonly chartImage?: string;
}

function cell(column: string, value: number, digits: number): string {
  return column === 'iteration' ? String(value) : String(Number(value.toPrecision(digits)));
}

/** One run as a GitHub-flavoured Markdown table. */
export function toMarkdownTable(
  rows: readonly IterationRow[],
  options: MarkdownOptions = {},
): string {
  const digits = options.digits ?? 6;
  const lines = [
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map(() => '---:').join(' | ')} |`,
    ...rows.map((row) => `| ${COLUMNS.map((c) => cell(c, row[c], digits)).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

/** Every run: a summary of final errors, then one table per learning rate. */
export function toMarkdown(runs: readonly BackpropRun[], options: MarkdownOptions = {}): string {
  const digits = options.digits ?? 6;
  const parts = [
    '# Backpropagation by hand\n',
    '| η | E_total at iteration 0 | final E_total | iterations |',
    '| ---: | ---: | ---: | ---: |',
    ...runs.map(({ learningRate, rows }) => {
      const first = rows[0]!;
      const last = rows[rows.length - 1]!;
      return `| ${learningRate} | ${cell('E_total', first.E_total, digits)} | ${cell('E_total', last.E_total, digits)} | ${last.iteration} |`;
    }),
    '',
  ];
  if (options.chartImage !== undefined) {
    parts.push(`![E_total vs iteration for each learning rate](${options.chartImage})\n`);
  }
  for (const { learningRate, rows } of runs) {
    parts.push(`## η = ${learningRate}\n`, toMarkdownTable(rows, options));
  }
  return parts.join('\n');
}
