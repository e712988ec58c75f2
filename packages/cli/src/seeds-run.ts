import { join } from 'node:path';
import { overlaidRunsChart, renderSvg } from './charts';
import type { EpochMetrics } from './epoch-metrics';
import { RunFolder } from './run-folder';
import { type SeedsSummary, seedsHeadline, seedsMarkdown, summarizeSeeds } from './seeds-summary';
import type { TrainConfig } from './train-config';
import { runTraining, type TrainingRunResult } from './training-run';

/** The last seed's run, and the summary over the seeds finished (none when none finished). */
export interface SeedsRunResult extends TrainingRunResult {
  seeds: SeedsSummary | undefined;
}

export interface SeedsRunOptions {
  /** The folder holding `seed-<n>/` run folders and the summary files. */
  out: string;
  /** Replace the content of a non-empty `out`. */
  overwrite?: boolean | undefined;
  signal?: AbortSignal | undefined;
  stdout?: NodeJS.WriteStream;
}

/**
 * `s4 train --seeds`: the same run once per seed, each in its own run folder `seed-<n>/`, then
 * `seeds.json`, `seeds.md` and `seeds-curves.svg/png` over the finished seeds (rewritten after
 * each seed, so an interrupted series still sums up what it finished).
 */
export async function trainSeeds(
  config: TrainConfig,
  seeds: readonly number[],
  options: SeedsRunOptions,
): Promise<SeedsRunResult> {
  const stdout = options.stdout ?? process.stdout;
  const folder = await RunFolder.open(options.out, {
    mode: 'new',
    overwrite: options.overwrite,
    flag: '--out',
  });
  try {
    const result = await trainEachSeed(folder, config, seeds, stdout, options.signal);
    await folder.close();
    return result;
  } catch (error) {
    await folder.abandon();
    throw error;
  }
}

async function trainEachSeed(
  folder: RunFolder,
  config: TrainConfig,
  seeds: readonly number[],
  stdout: NodeJS.WriteStream,
  signal: AbortSignal | undefined,
): Promise<SeedsRunResult> {
  const done: Array<{ seed: number; dir: string; metrics: EpochMetrics[] }> = [];
  for (const [i, seed] of seeds.entries()) {
    stdout.write(`\n=== Seed ${seed} (${i + 1} of ${seeds.length}) ===\n`);
    const dir = `seed-${seed}`;
    const result = await runTraining(
      { ...config, seed },
      { out: join(folder.dir, dir), signal, stdout },
    );
    if (result.status === 'aborted') {
      const seedsSummary = done.length > 0 ? summarizeSeeds(config.model, done) : undefined;
      return { status: 'aborted', metrics: result.metrics, out: folder.dir, seeds: seedsSummary };
    }
    done.push({ seed, dir, metrics: result.metrics });
    const summary = summarizeSeeds(config.model, done);
    await folder.writeText('seeds.json', `${JSON.stringify(summary, null, 2)}\n`);
    await folder.writeText('seeds.md', seedsMarkdown(summary));
    await folder.writeImage(
      'seeds-curves',
      renderSvg(
        overlaidRunsChart(
          done.map((run) => ({ label: `seed ${run.seed}`, metrics: run.metrics })),
          `${config.model}: ${seedsHeadline(summary)}`,
        ),
      ),
    );
  }
  const summary = summarizeSeeds(config.model, done);
  stdout.write(
    `\nSeeds ${summary.seeds.join(', ')} of ${config.model}: ${seedsHeadline(summary)}; ${summary.runs
      .map((r) => `seed ${r.seed} ${r.finalAccuracy.toFixed(2)}% in ${r.wallSeconds.toFixed(0)} s`)
      .join(', ')}. Summary: ${join(folder.dir, 'seeds.md')}\n`,
  );
  return {
    status: 'completed',
    metrics: done.at(-1)?.metrics ?? [],
    out: folder.dir,
    seeds: summary,
  };
}
