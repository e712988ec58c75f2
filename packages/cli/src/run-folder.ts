import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderPng } from '@s4/backprop-sheet/node';
import { writeFileAtomic } from '@s4/mnist-data';
import type { EpochMetrics } from './epoch-metrics';

/**
 * A training run's folder: `metrics.jsonl`, `summary.txt`, `train.log`, charts and images, and
 * the `best/` and `last/` checkpoints (written by core). Every file except the append-only log
 * is replaced atomically, so a crash or Ctrl-C never leaves a half-written file.
 */
export class RunFolder {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async create(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async writeText(name: string, text: string): Promise<void> {
    await writeFileAtomic(this.path(name), Buffer.from(text, 'utf8'));
  }

  /** Appends lines to `train.log` (what the console showed, without the bar's redraws). */
  async log(...lines: string[]): Promise<void> {
    await appendFile(this.path('train.log'), lines.map((l) => `${l}\n`).join(''));
  }

  /** Rewrites `metrics.jsonl`: one JSON object per epoch. */
  async writeMetrics(metrics: readonly EpochMetrics[]): Promise<void> {
    await this.writeText('metrics.jsonl', metrics.map((m) => `${JSON.stringify(m)}\n`).join(''));
  }

  /** Writes `<stem>.svg` and its rasterisation `<stem>.png`. */
  async writeImage(stem: string, svg: string): Promise<void> {
    await this.writeText(`${stem}.svg`, svg);
    await writeFileAtomic(this.path(`${stem}.png`), renderPng(svg));
  }
}

/** Reads a run's `metrics.jsonl` (empty when there is none yet). */
export async function readMetrics(dir: string): Promise<EpochMetrics[]> {
  let text: string;
  try {
    text = await readFile(join(dir, 'metrics.jsonl'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EpochMetrics);
}
