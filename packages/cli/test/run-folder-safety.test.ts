import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

// The real `s4` bin on tiny slices of MNIST: a finished run is never overwritten, two runs never
// share a folder, every way of stopping a run leaves a resumable checkpoint, and a command that
// fails leaves the folder as it found it.
const work = mkdtempSync(join(tmpdir(), 's4-run-safety-'));
beforeAll(ensureCliBuilt, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 600_000 });
const SMALL = ['--limit', '1280', '--test-limit', '200', '--epochs', '1'];

/** Every file below `dir` with its content, to compare a folder before and after a command. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length)] = readFileSync(path).toString('base64');
  }
  return out;
}

/** Starts `s4 args…`; `stopWhen(stdout)` is checked on every chunk of output. */
function start(args: string[]) {
  const child = spawn(process.execPath, [bin, ...args], { cwd: work });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    out: () => stdout,
    err: () => stderr,
  };
}

/** Resolves once `child`'s output matches `pattern` (the progress bar of a running epoch). */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout?.on('data', (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
  });
}

describe('s4 train keeps runs safe', () => {
  test('refuses a non-empty --out (a finished run stays byte for byte)', () => {
    const finished = join(work, 'finished');
    mkdirSync(join(finished, 'best'), { recursive: true });
    writeFileSync(join(finished, 'metrics.jsonl'), '{"epoch":1}\n{"epoch":2}\n');
    writeFileSync(join(finished, 'best', 'model.json'), '{"accuracy":98.9}\n');
    const before = snapshot(finished);
    const result = s4('train', ...SMALL, '--out', finished);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `--out ${finished}: expected a new or empty run folder, found 2 entries`,
    );
    expect(result.stderr).toContain('--resume');
    expect(result.stderr).toContain('--overwrite');
    expect(snapshot(finished)).toEqual(before);
  });

  test('a failed command creates nothing: --out under a folder that refuses new entries', () => {
    const result = spawnSync(process.execPath, [bin, 'train', ...SMALL, '--out', '/proc/s4/run'], {
      cwd: work,
      encoding: 'utf8',
      // Node's recursive mkdir spins forever here; a timeout turns a hang into a failure.
      timeout: 60_000,
    });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--out /proc/s4/run: cannot create /proc/s4');
  });

  test('--batch-size and --workers are bounded', () => {
    const batch = s4('train', '--batch-size', '1000000000');
    expect(batch.status).toBe(2);
    expect(batch.stderr).toMatch(/--batch-size.*expected an integer ≤ 60000/);
    const workers = s4('train', '--workers', '1000');
    expect(workers.status).toBe(2);
    expect(workers.stderr).toMatch(/--workers.*expected an integer ≤ \d+ \(two per core/);
    const overLimit = s4('train', '--limit', '100', '--batch-size', '128', '--out', 'over');
    expect(overLimit.status).toBe(2);
    expect(overLimit.stderr).toContain(
      '--batch-size 128: expected at most the 100 training images',
    );
    expect(existsSync(join(work, 'over'))).toBe(false);
  });

  test('SIGTERM saves a checkpoint, a second run is locked out, resume finishes the run', async () => {
    const run = join(work, 'term');
    const first = start(['train', ...SMALL, '--batch-size', '16', '--out', run]);
    await waitForOutput(first.child, /Run folder: /);
    // While the first run writes, a second one cannot enter the folder, even with --overwrite.
    const second = start(['train', ...SMALL, '--out', run, '--overwrite']);
    expect(await second.exited).toBe(2);
    expect(second.err()).toMatch(/another s4 run is writing to this folder \(pid \d+/);
    // summary.txt is written once the first batch has been trained.
    while (!existsSync(join(run, 'summary.txt'))) await new Promise((r) => setTimeout(r, 50));
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(143);
    expect(first.err()).toContain('Terminated');
    expect(first.out()).toContain(`Continue with: s4 train --resume ${run}`);
    const saved = JSON.parse(readFileSync(join(run, 'last', 'model.json'), 'utf8'));
    expect(saved.training.epoch).toBe(0);
    expect(saved.training.batch).toBeGreaterThan(0);
    expect(existsSync(join(run, '.s4-lock'))).toBe(false);

    // A resume from a copy of the checkpoint (not a run's last/) starts its own run folder and
    // writes nothing next to the checkpoint.
    const copies = join(work, 'copies');
    cpSync(join(run, 'last'), join(copies, 'mid'), { recursive: true });
    const fromCopy = s4('train', '--resume', join(copies, 'mid'), '--out', join(work, 'from-copy'));
    expect(fromCopy.stderr).toBe('');
    expect(fromCopy.status).toBe(0);
    expect(readdirSync(copies)).toEqual(['mid']);
    expect(existsSync(join(work, 'from-copy', 'metrics.jsonl'))).toBe(true);

    // Leftovers of a writer killed with SIGKILL are removed by the next run in the folder.
    writeFileSync(join(run, 'metrics.jsonl.999999.0123456789ab.tmp'), '');
    mkdirSync(join(run, '.last.tmp-killed'));
    const resumed = s4('train', '--resume', run);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming s4 from .* \(epoch 1 of 1, batch \d+\)/);
    expect(readdirSync(run).filter((n) => n.includes('tmp') || n === '.s4-lock')).toEqual([]);
    const finished = snapshot(run);

    // The run is finished: resuming it again or training into it is refused, nothing changes.
    const again = s4('train', '--resume', run);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('the run already finished all 1 epoch,');
    const over = s4('train', ...SMALL, '--out', run);
    expect(over.status).toBe(2);
    expect(snapshot(run)).toEqual(finished);
  }, 900_000);

  test('a failed resume leaves the run folder as it found it (and exits 2)', () => {
    const run = join(work, 'broken');
    cpSync(join(work, 'term'), run, { recursive: true });
    // Unfinish it and cut its weights: loading them fails after the folder is opened.
    const modelJson = join(run, 'last', 'model.json');
    const json = JSON.parse(readFileSync(modelJson, 'utf8'));
    json.training.epoch = 0;
    writeFileSync(modelJson, JSON.stringify(json));
    const weights = readFileSync(join(run, 'last', 'weights.bin'));
    writeFileSync(join(run, 'last', 'weights.bin'), weights.subarray(0, 100));
    const before = snapshot(run);
    const result = s4('train', '--resume', run);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('weights.bin');
    expect(snapshot(run)).toEqual(before);
  });

  test('a closed output pipe (s4 train | head) stops training with a checkpoint', async () => {
    const run = join(work, 'pipe');
    const child = start([
      'train',
      '--limit',
      '640',
      '--test-limit',
      '100',
      '--epochs',
      '3',
      '--out',
      run,
    ]);
    await waitForOutput(child.child, /Run folder: /);
    // s4 notices the closed pipe at its next line of output (the end of epoch 1).
    child.child.stdout.destroy();
    expect(await child.exited).toBe(141);
    expect(child.err()).toContain('The output was closed');
    expect(child.err()).toContain(`continue with: s4 train --resume ${run}`);
    const saved = JSON.parse(readFileSync(join(run, 'last', 'model.json'), 'utf8'));
    expect(saved.training.epoch).toBeLessThan(3);
    expect(existsSync(join(run, '.s4-lock'))).toBe(false);
  }, 600_000);
});
