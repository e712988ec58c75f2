import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type LayerSpec, paramCount } from '@s4/models';
import type { EpochMetrics } from './epoch-metrics';
import { UsageError } from './errors';
import { readMetrics } from './run-folder';

/** One finished (or interrupted) training run, as `s4 compare` shows it. */
export interface ComparedRun {
  /** The legend's name: the run folder's name (`parent/seed-1` for a seed of `--seeds`). */
  label: string;
  dir: string;
  model: string;
  params: number;
  epochs: number;
  /** Test accuracy (%) after the last epoch. */
  finalAccuracy: number;
  bestAccuracy: number;
  bestEpoch: number;
  finalTestLoss: number;
  wallSeconds: number;
  metrics: EpochMetrics[];
}

const exists = (path: string) =>
  readFile(path).then(
    () => true,
    () => false,
  );

async function readRun(dir: string, label: string): Promise<ComparedRun> {
  const metrics = await readMetrics(dir);
  if (metrics.length === 0) {
    throw new UsageError(
      `${dir}: expected a run folder of s4 train with metrics.jsonl, found none`,
    );
  }
  const file = join(dir, 'last', 'model.json');
  let json: { architecture?: LayerSpec[]; metadata?: { model?: unknown } };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${file}: cannot read the run's last checkpoint (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (!Array.isArray(json.architecture)) {
    throw new UsageError(`${file}: expected an "architecture" array, found none`);
  }
  const last = metrics.at(-1) as EpochMetrics;
  const best = metrics.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  return {
    label,
    dir,
    model: typeof json.metadata?.model === 'string' ? json.metadata.model : basename(dir),
    params: paramCount(json.architecture),
    epochs: last.epoch,
    finalAccuracy: last.testAccuracy,
    bestAccuracy: best.testAccuracy,
    bestEpoch: best.epoch,
    finalTestLoss: last.testLoss,
    wallSeconds: last.elapsedSeconds,
    metrics,
  };
}

/**
 * The runs in the folders given: a run folder, or the folder of `s4 train --seeds` (each of its
 * `seed-<n>/` runs). Anything else is a UsageError naming the folder.
 */
export async function readRuns(dirs: readonly string[]): Promise<ComparedRun[]> {
  const runs: ComparedRun[] = [];
  for (const dir of dirs) {
    if (await exists(join(dir, 'metrics.jsonl'))) {
      runs.push(await readRun(dir, basename(dir)));
      continue;
    }
    const seeds = (await readdir(dir).catch(() => [] as string[]))
      .filter((name) => /^seed-\d+$/.test(name))
      .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
    if (seeds.length === 0) {
      throw new UsageError(
        `${dir}: expected a run folder of s4 train (with metrics.jsonl) or of s4 train --seeds (with seed-<n>/ folders), found neither`,
      );
    }
    for (const seed of seeds) {
      runs.push(await readRun(join(dir, seed), `${basename(dir)}/${seed}`));
    }
  }
  const labels = runs.map((r) => r.label);
  // Same-named folders from different places: fall back to the paths as given.
  return runs.map((r) =>
    labels.filter((l) => l === r.label).length > 1 ? { ...r, label: r.dir } : r,
  );
}

const minutes = (s: number) =>
  s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${s.toFixed(1)} s`;

/** The comparison as rows of cells, header first. */
function cells(runs: readonly ComparedRun[]): string[][] {
  return [
    ['run', 'model', 'params', 'final acc', 'best acc (epoch)', 'epochs', 'wall time'],
    ...runs.map((r) => [
      r.label,
      r.model,
      r.params.toLocaleString('en-US'),
      `${r.finalAccuracy.toFixed(2)}%`,
      `${r.bestAccuracy.toFixed(2)}% (${r.bestEpoch})`,
      String(r.epochs),
      minutes(r.wallSeconds),
    ]),
  ];
}

/** The run with the best final accuracy (the first of equals). */
export const winner = (runs: readonly ComparedRun[]): ComparedRun =>
  runs.reduce((a, b) => (b.finalAccuracy > a.finalAccuracy ? b : a));

export function winnerLine(runs: readonly ComparedRun[]): string {
  const w = winner(runs);
  return `Best final test accuracy: ${w.label} (${w.model}, ${w.params.toLocaleString('en-US')} params) with ${w.finalAccuracy.toFixed(2)}% after ${w.epochs} epoch${w.epochs === 1 ? '' : 's'}.`;
}

/** A plain-text table, columns aligned (numbers to the right). */
export function comparisonTable(runs: readonly ComparedRun[]): string {
  const rows = cells(runs);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('  '),
    )
    .join('\n');
}

/** The same table in Markdown, with the winner and the curves. */
export function comparisonMarkdown(runs: readonly ComparedRun[]): string {
  const [header, ...body] = cells(runs);
  return [
    `# Comparison of ${runs.length} runs`,
    '',
    winnerLine(runs),
    '',
    `| ${header!.join(' | ')} |`,
    `| --- | --- | ${header!
      .slice(2)
      .map(() => '---:')
      .join(' | ')} |`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
    '',
    '![loss and test accuracy per epoch, one colour per run](compare-curves.svg)',
    '',
  ].join('\n');
}
