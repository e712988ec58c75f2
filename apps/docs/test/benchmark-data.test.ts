import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docsRoot, repoRoot } from '../scripts/paths';
import { withSpeedChart } from '../scripts/steps/benchmarks';
import type { TrainingSpeedData } from '../src/benchmark-charts';

const data: TrainingSpeedData = JSON.parse(
  readFileSync(join(docsRoot, 'data', 'training-speed.json'), 'utf8'),
);

/** BENCHMARKS.md's first table whose header has `column`, as rows of named cells. */
function tableWith(markdown: string, column: string): Array<Record<string, string>> {
  const lines = markdown.split('\n');
  const header = lines.findIndex((line) => line.startsWith('|') && line.includes(column));
  if (header === -1) throw new Error(`BENCHMARKS.md has no table with a "${column}" column`);
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
  const names = cells(lines[header]!);
  const rows: Array<Record<string, string>> = [];
  for (let i = header + 2; lines[i]?.startsWith('|'); i++) {
    const values = cells(lines[i]!);
    rows.push(Object.fromEntries(names.map((name, k) => [name, values[k] ?? ''])));
  }
  return rows;
}

describe('the training-speed chart data', () => {
  it('shows the numbers of BENCHMARKS.md, model by model and runtime by runtime', () => {
    const rows = tableWith(
      readFileSync(join(repoRoot, 'BENCHMARKS.md'), 'utf8'),
      'S4 1 worker (img/s)',
    );
    const columns = ['S4 1 worker (img/s)', 'S4 2 workers (img/s)', 'PyTorch 2 threads (img/s)'];
    expect(data.runtimes).toHaveLength(columns.length);
    expect(data.models.map((m) => m.model)).toEqual(rows.map((row) => row.model));
    for (const { model, imagesPerSecond } of data.models) {
      const row = rows.find((r) => r.model === model)!;
      expect(imagesPerSecond, model).toEqual(
        columns.map((column) => Number(row[column]!.replace(/,/g, ''))),
      );
    }
  });
});

describe('withSpeedChart', () => {
  it('draws the chart in place of a Mermaid chart', () => {
    const markdown =
      '## Speed\n\n| a |\n| - |\n| 1 |\n\n```mermaid\nxychart-beta\n  bar [1]\n```\n\nafter';
    expect(withSpeedChart(markdown)).toBe(
      '## Speed\n\n| a |\n| - |\n| 1 |\n\n<TrainingSpeedChart />\n\nafter',
    );
  });

  it('puts it after the first table when there is no Mermaid chart', () => {
    expect(withSpeedChart('## Speed\n\n| a |\n| - |\n| 1 |\n\nafter')).toBe(
      '## Speed\n\n| a |\n| - |\n| 1 |\n\n<TrainingSpeedChart />\n\nafter',
    );
  });
});
