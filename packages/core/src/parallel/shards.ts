import type { PreparedBatch } from '../data/batches';

/**
 * Splits a batch into at most `count` contiguous shards of near-equal size (the first ones one
 * image larger when it does not divide), each with its own copies of the arrays so they can be
 * transferred to different workers. A batch smaller than `count` gives one shard per image.
 */
export function shardBatch(batch: PreparedBatch, count: number): PreparedBatch[] {
  const pixels = batch.rows * batch.cols;
  const shards = Math.min(count, batch.size);
  const base = Math.floor(batch.size / shards);
  const extra = batch.size % shards;
  const out: PreparedBatch[] = [];
  let start = 0;
  for (let k = 0; k < shards; k++) {
    const size = base + (k < extra ? 1 : 0);
    const end = start + size;
    out.push({
      x: batch.x.slice(start * pixels, end * pixels),
      labels: batch.labels.slice(start, end),
      indices: batch.indices.slice(start, end),
      size,
      rows: batch.rows,
      cols: batch.cols,
    });
    start = end;
  }
  return out;
}
