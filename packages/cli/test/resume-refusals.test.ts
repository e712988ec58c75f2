import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
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

// A run folder edited or damaged in each way a user met: `s4 train --resume` refuses it with
// exit 2, naming the file and the field, what was expected and what was found, and leaves the
// folder byte for byte as it was. A damaged checkpoint gets the same exit code from every command.
const work = mkdtempSync(join(tmpdir(), 's4-resume-refusals-'));
const interrupted = join(work, 'interrupted');

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', timeout: 600_000 });

// A real interrupted run: stopped with SIGTERM in its second epoch, after its first epoch's
// metrics were written, so every edit below starts from a checkpoint that can continue.
beforeAll(async () => {
  ensureCliBuilt();
  const child = spawn(process.execPath, [
    bin,
    'train',
    ...['--limit', '1280', '--test-limit', '50', '--epochs', '2', '--batch-size', '16'],
    ...['--out', interrupted],
  ]);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  child.stdout.resume();
  const metrics = join(interrupted, 'metrics.jsonl');
  while (!existsSync(metrics) && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGTERM');
  expect(await exited, stderr).toBe(143);
  const saved = JSON.parse(readFileSync(join(interrupted, 'last', 'model.json'), 'utf8'));
  expect(saved.training.epoch).toBe(1);
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

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

/** The fields of a checkpoint's model.json that the tests below edit. */
interface ModelJson {
  metadata: { config: { batchSize: number; optimizer: { name: string } } };
  training: { epoch: number; batch: number };
}

/** A copy of the interrupted run whose `last/model.json` was changed by `edit`. */
function editedRun(name: string, edit: (json: ModelJson) => void) {
  const run = join(work, name);
  cpSync(interrupted, run, { recursive: true });
  const file = join(run, 'last', 'model.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  return { run, file };
}

/** Runs `s4 train --resume run` and checks the refusal: exit 2, `message`, nothing changed. */
function expectRefused(run: string, message: string) {
  const before = snapshot(run);
  const result = s4('train', '--resume', run);
  expect(result.status).toBe(2);
  expect(result.stderr).toContain(message);
  expect(result.stdout).not.toMatch(/epoch \d+ of/);
  expect(snapshot(run)).toEqual(before);
}

describe('s4 train --resume refuses a damaged or edited run folder', () => {
  test('the unedited copy resumes (the edits below are what is refused)', () => {
    const { run } = editedRun('control', () => {});
    const result = s4('train', '--resume', run);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Resuming .* \(epoch 2 of 2, batch \d+\)/);
  });

  test('batch size 0', () => {
    const { run, file } = editedRun('batch-0', (json) => {
      json.metadata.config.batchSize = 0;
    });
    expectRefused(
      run,
      `${file}: metadata.config.batchSize must be an integer ≥ 1, found 0; the checkpoint cannot be resumed`,
    );
  });

  test('an unknown optimizer', () => {
    const { run, file } = editedRun('lion', (json) => {
      json.metadata.config.optimizer.name = 'lion';
    });
    expectRefused(
      run,
      `${file}: metadata.config.optimizer.name must be one of sgd, adam, adamw, found "lion"`,
    );
  });

  test('epoch 99 of 2', () => {
    let batch = 0;
    const { run, file } = editedRun('epoch-99', (json) => {
      json.training.epoch = 99;
      batch = json.training.batch;
    });
    expectRefused(
      run,
      `${file}: training.epoch 99 (batch ${batch}) lies outside the run's 2 epochs; the checkpoint cannot be resumed`,
    );
  });

  test('a cut metrics.jsonl, named with its line', () => {
    const { run } = editedRun('cut-metrics', () => {});
    const metrics = join(run, 'metrics.jsonl');
    const text = readFileSync(metrics, 'utf8');
    writeFileSync(metrics, text.slice(0, Math.floor(text.indexOf('\n') / 2)));
    expectRefused(run, `${metrics}, line 1: expected one epoch's metrics as JSON`);
  });

  test('a truncated weights.bin: exit 2 from train --resume and from evaluate alike', () => {
    const { run } = editedRun('truncated', () => {});
    const weights = join(run, 'last', 'weights.bin');
    writeFileSync(weights, readFileSync(weights).subarray(0, 100));
    expectRefused(run, weights);
    const evaluate = s4('evaluate', '--checkpoint', join(run, 'last'), '--limit', '10');
    expect(evaluate.status).toBe(2);
    expect(evaluate.stderr).toContain(weights);
  });
});
