import type { EpochMetrics } from './epoch-metrics';

/** One seed's run as the seeds summary reports it. */
export interface SeedRun {
  seed: number;
  /** Its run folder. */
  dir: string;
  epochs: number;
  /** Test accuracy (%) after the last epoch. */
  finalAccuracy: number;
  bestAccuracy: number;
  /** Wall time of the whole run, evaluation included. */
  wallSeconds: number;
}

/** What `s4 train --seeds` writes to `seeds.json`. */
export interface SeedsSummary {
  model: string;
  seeds: number[];
  runs: SeedRun[];
  /** Final test accuracy over the seeds (%): mean, sample standard deviation (n − 1), min, max. */
  finalAccuracy: { mean: number; std: number; min: number; max: number };
  wallSeconds: { mean: number; total: number };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (n − 1), 0 for a single value. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** The summary of finished seed runs (each with at least one epoch). */
export function summarizeSeeds(
  model: string,
  runs: ReadonlyArray<{ seed: number; dir: string; metrics: readonly EpochMetrics[] }>,
): SeedsSummary {
  const rows: SeedRun[] = runs.map(({ seed, dir, metrics }) => {
    const last = metrics.at(-1) as EpochMetrics;
    return {
      seed,
      dir,
      epochs: last.epoch,
      finalAccuracy: last.testAccuracy,
      bestAccuracy: Math.max(...metrics.map((m) => m.testAccuracy)),
      wallSeconds: last.elapsedSeconds,
    };
  });
  const finals = rows.map((r) => r.finalAccuracy);
  const walls = rows.map((r) => r.wallSeconds);
  return {
    model,
    seeds: rows.map((r) => r.seed),
    runs: rows,
    finalAccuracy: {
      mean: mean(finals),
      std: sampleStd(finals),
      min: Math.min(...finals),
      max: Math.max(...finals),
    },
    wallSeconds: { mean: mean(walls), total: walls.reduce((a, b) => a + b, 0) },
  };
}

/** One line: `final test accuracy 99.41 ± 0.05% (mean ± std of 3 seeds), min 99.35%`. */
export function seedsHeadline(summary: SeedsSummary): string {
  const a = summary.finalAccuracy;
  return `final test accuracy ${a.mean.toFixed(2)} ± ${a.std.toFixed(2)}% (mean ± std of ${summary.runs.length} seed${summary.runs.length === 1 ? '' : 's'}), min ${a.min.toFixed(2)}%`;
}

/** `seeds.md`: the headline and a table of the seeds. */
export function seedsMarkdown(summary: SeedsSummary): string {
  const lines = [
    `# ${summary.model}: ${summary.runs.length} seed${summary.runs.length === 1 ? '' : 's'}`,
    '',
    `${seedsHeadline(summary)}; wall time ${summary.wallSeconds.mean.toFixed(1)} s per run on average, ${summary.wallSeconds.total.toFixed(1)} s in total.`,
    '',
    '| seed | epochs | final test accuracy (%) | best (%) | wall time (s) | run folder |',
    '| ---: | ---: | ---: | ---: | ---: | --- |',
    ...summary.runs.map(
      (r) =>
        `| ${r.seed} | ${r.epochs} | ${r.finalAccuracy.toFixed(2)} | ${r.bestAccuracy.toFixed(2)} | ${r.wallSeconds.toFixed(1)} | ${r.dir} |`,
    ),
    '',
    '![test loss and accuracy per epoch, one line per seed](seeds-curves.svg)',
    '',
  ];
  return lines.join('\n');
}
