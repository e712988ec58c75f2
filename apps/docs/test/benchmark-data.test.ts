import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/paths';
import { speedrunSection, trainingSpeedData, withSpeedChart } from '../scripts/steps/benchmarks';
import { speedDataFromBench, trainingSpeedSpec } from '../src/benchmark-charts';

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
  it('shows the numbers of BENCHMARKS.md, model by model and runtime by runtime', async () => {
    const data = await trainingSpeedData();
    if (data === undefined) throw new Error('bench/results/speed.json is missing: run pnpm bench');
    const rows = tableWith(
      readFileSync(join(repoRoot, 'BENCHMARKS.md'), 'utf8'),
      'S4 1 worker (img/s)',
    );
    // S4 1 worker, S4 N workers, PyTorch at its fastest.
    const header = Object.keys(rows[0]!);
    const columns = [
      /^S4 1 worker \(img\/s\)$/,
      /^S4 \d+ workers \(img\/s\)$/,
      /^PyTorch fastest \(img\/s\)$/,
    ].map((pattern) => header.find((name) => pattern.test(name))!);
    expect(columns.every(Boolean), `columns in ${header.join(' | ')}`).toBe(true);
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

describe('speedDataFromBench', () => {
  const bench = {
    measured: '2026-12-05 12:00',
    machine: { cores: 4 },
    rounds: 5,
    batchSize: 128,
    models: [{ model: 'm', s4One: 1000.4, s4Many: 2000.6, torch: 1500.5 }],
  };

  it('puts S4 with 1 and N workers next to PyTorch at its fastest, rounded', () => {
    expect(speedDataFromBench(bench)).toEqual({
      title: 'Training images/s, S4 vs PyTorch at its fastest (batch 128, median of 5 rounds)',
      runtimes: ['S4, 1 worker', 'S4, 4 workers', 'PyTorch, fastest variant'],
      models: [{ model: 'm', imagesPerSecond: [1000, 2001, 1501] }],
    });
  });

  it('charts S4 alone when the run found no PyTorch (speed.json holds null)', () => {
    const data = speedDataFromBench({ ...bench, models: [{ ...bench.models[0]!, torch: null }] });
    expect(data.runtimes).toEqual(['S4, 1 worker', 'S4, 4 workers']);
    expect(data.models[0]!.imagesPerSecond).toEqual([1000, 2001]);
  });
});

describe('trainingSpeedSpec', () => {
  it('starts the images/s axis at zero', async () => {
    const spec = trainingSpeedSpec((await trainingSpeedData())!);
    expect(spec.encoding.x.scale.zero).toBe(true);
    expect(spec.encoding.x.type).toBe('quantitative');
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

describe("speedrunSection (the model zoo page's speedrun table)", () => {
  it("is BENCHMARKS.md's speedrun result: its command and one row per seed", () => {
    const section = speedrunSection(readFileSync(join(repoRoot, 'BENCHMARKS.md'), 'utf8'));
    if (section === undefined) throw new Error('BENCHMARKS.md has no speedrun markers');
    const command = section.match(/`pnpm speedrun -- [^`]*--seeds ([\d,]+)[^`]*`/);
    expect(command, section).not.toBeNull();
    const seeds = command![1]!.split(',');
    const rows = tableWith(section, 'S4 final test accuracy');
    expect(rows.map((row) => row.seed)).toEqual(seeds);
    expect(section).not.toContain('speedrun:end');
  });

  it('is undefined without the markers, and takes only what is between them', () => {
    expect(speedrunSection('# Benchmarks\n\n| a |\n')).toBeUndefined();
    expect(
      speedrunSection(
        'before\n<!-- speedrun:start (x) -->\n\n| a |\n\n<!-- speedrun:end -->\nafter',
      ),
    ).toBe('| a |');
  });
});
