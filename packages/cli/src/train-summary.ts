import type { EpochMetrics } from './epoch-metrics';
import type { SeedsSummary } from './seeds-summary';

/** What `s4 train --json` prints when the run ends: one JSON object on stdout. */
export interface TrainSummary {
  /** `aborted`: stopped by a signal; the run folder's `last/` continues it with --resume. */
  status: 'completed' | 'aborted';
  model: string;
  /** The run folder (with --seeds, the folder of the seeds' run folders). */
  out: string;
  /** Epochs finished (of the last seed with --seeds). */
  epochs: number;
  /** The last finished epoch's metrics.jsonl line (accuracies in percent); null before any. */
  final: EpochMetrics | null;
  /** The finished epoch with the highest test accuracy; null before any. */
  best: EpochMetrics | null;
  /** With --seeds: seeds.json, the summary over the seeds finished. */
  seeds?: SeedsSummary;
}

export function trainSummary(
  model: string,
  result: { status: 'completed' | 'aborted'; out: string; metrics: readonly EpochMetrics[] },
  seeds?: SeedsSummary,
): TrainSummary {
  const { metrics } = result;
  const best = metrics.reduce<EpochMetrics | null>(
    (a, b) => (a === null || b.testAccuracy > a.testAccuracy ? b : a),
    null,
  );
  return {
    status: result.status,
    model,
    out: result.out,
    epochs: metrics.at(-1)?.epoch ?? 0,
    final: metrics.at(-1) ?? null,
    best,
    ...(seeds ? { seeds } : {}),
  };
}
