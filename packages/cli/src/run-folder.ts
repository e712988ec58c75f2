import { unlinkSync } from 'node:fs';
import { appendFile, open, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { renderPng } from '@s4/charts/node';
import { writeFileAtomic } from '@s4/runtime/node';
import type { EpochMetrics } from './epoch-metrics';
import { UsageError } from './errors';
import { describeFsError, makeFolder, removeCreated } from './output-folder';

/** The lock file of a run folder that a run is writing to: its pid, host and start time. */
export const LOCK_FILE = '.s4-lock';

export interface OpenRunFolderOptions {
  /** `resume`: continue the run in the folder; `new`: the folder must be new or empty. */
  mode: 'new' | 'resume';
  /** With `mode: 'new'`, replace a non-empty folder's content instead of refusing it. */
  overwrite?: boolean;
  /** The option that named the folder, for messages (`--out`, `--resume`). */
  flag: string;
}

/**
 * A training run's folder: `metrics.jsonl`, `summary.txt`, `train.log`, charts and images, and
 * the `best/` and `last/` checkpoints (written by core). Every file except the append-only log
 * is replaced atomically, so a crash or Ctrl-C never leaves a half-written file.
 *
 * `RunFolder.open` refuses to start a new run over a finished one and locks the folder while
 * the run writes, so two runs never mix their files; `close` releases it, and `abandon` (a run
 * that failed before writing anything) also removes the folders it created.
 */
export class RunFolder {
  readonly dir: string;
  #lock: string;
  #created: string | undefined;
  #wrote = false;
  #releaseOnExit = () => {
    try {
      unlinkSync(this.#lock);
    } catch {}
  };

  private constructor(dir: string, created: string | undefined) {
    this.dir = dir;
    this.#lock = join(dir, LOCK_FILE);
    this.#created = created;
  }

  static async open(dir: string, options: OpenRunFolderOptions): Promise<RunFolder> {
    const { flag } = options;
    const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new UsageError(`${flag} ${dir}: cannot read the folder: ${describeFsError(error)}`);
    });
    if (options.mode === 'new' && entries.length > 0 && !options.overwrite) {
      const shown = entries.slice(0, 4).join(', ') + (entries.length > 4 ? ', …' : '');
      throw new UsageError(
        `${flag} ${dir}: expected a new or empty run folder, found ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${shown}); continue that run with --resume ${dir}, replace it with --overwrite, or choose another folder`,
      );
    }
    const created = await makeFolder(dir, flag);
    const run = new RunFolder(dir, created);
    await run.#takeLock(flag);
    if (options.mode === 'new' && entries.length > 0) {
      for (const name of entries) {
        if (name !== LOCK_FILE) await rm(join(dir, name), { recursive: true, force: true });
      }
    }
    // Temporary files of a writer that was killed (we hold the lock: nobody else writes here).
    for (const name of await readdir(dir)) {
      if (/\.\d+\.[0-9a-f]{12}\.tmp$/.test(name)) await rm(join(dir, name), { force: true });
    }
    return run;
  }

  async #takeLock(flag: string): Promise<void> {
    const content = `${process.pid}\n${hostname()}\n${new Date().toISOString()}\n`;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(this.#lock, 'wx');
        try {
          await handle.writeFile(content);
        } finally {
          await handle.close();
        }
        process.on('exit', this.#releaseOnExit);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
          await removeCreated(this.#created, this.dir);
          throw new UsageError(
            `${flag} ${this.dir}: cannot lock the run folder: ${describeFsError(error)}`,
          );
        }
      }
      const [pid, host, since] = (await readFile(this.#lock, 'utf8').catch(() => ''))
        .split('\n')
        .map((s) => s.trim());
      if (isAlive(Number(pid), host)) {
        throw new UsageError(
          `${flag} ${this.dir}: another s4 run is writing to this folder (pid ${pid}${host && host !== hostname() ? ` on ${host}` : ''}${since ? `, since ${since}` : ''}); wait for it to finish, stop it, or choose another folder`,
        );
      }
      // A stale lock: its process is gone (killed, or the machine restarted).
      await unlink(this.#lock).catch(() => {});
    }
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Whether this run wrote anything into the folder. */
  get wrote(): boolean {
    return this.#wrote;
  }

  /** Something was written: a failed run keeps its folder from here on. */
  markWritten(): void {
    this.#wrote = true;
  }

  async writeText(name: string, text: string): Promise<void> {
    this.#wrote = true;
    await writeFileAtomic(this.path(name), Buffer.from(text, 'utf8'));
  }

  /** Appends lines to `train.log` (what the console showed, without the bar's redraws). */
  async log(...lines: string[]): Promise<void> {
    this.#wrote = true;
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

  /** Releases the lock. */
  async close(): Promise<void> {
    process.off('exit', this.#releaseOnExit);
    await unlink(this.#lock).catch(() => {});
  }

  /**
   * Releases the lock of a run that failed; when it wrote nothing, the folders it created are
   * removed too, so the failed command leaves the disk as it found it.
   */
  async abandon(): Promise<void> {
    await this.close();
    if (!this.#wrote) await removeCreated(this.#created, resolve(this.dir));
  }
}

/** Whether the process that wrote a lock still runs (a lock from another host counts as live). */
function isAlive(pid: number, host: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (host && host !== hostname()) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads a run's `metrics.jsonl` (empty when there is none yet). */
export async function readMetrics(dir: string): Promise<EpochMetrics[]> {
  const file = join(dir, 'metrics.jsonl');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UsageError(`${file}: cannot read it: ${describeFsError(error)}`);
  }
  const metrics: EpochMetrics[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      metrics.push(JSON.parse(line) as EpochMetrics);
    } catch {
      throw new UsageError(
        `${file}, line ${i + 1}: expected one epoch's metrics as JSON, found ${JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line)} (a cut or edited file)`,
      );
    }
  });
  return metrics;
}
