import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

// The real `s4` bin, as a user runs it, training for real on a small slice of MNIST.
const work = mkdtempSync(join(tmpdir(), 's4-train-'));

beforeAll(ensureCliBuilt, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });

interface Metrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  testCorrect: number;
  testCount: number;
}
const readMetrics = (run: string): Metrics[] =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Metrics);

describe('s4 train', () => {
  test('trains s4 for real, survives Ctrl-C, resumes, and writes the whole run folder', async () => {
    const run = join(work, 'run');
    const args = [
      'train',
      '--limit',
      '2560',
      '--epochs',
      '2',
      '--test-limit',
      '1000',
      '--out',
      run,
    ];
    // First session: interrupted (SIGINT, as Ctrl-C sends) once epoch 1 is written.
    const child = spawn(process.execPath, [bin, ...args], { cwd: work });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    const poll = setInterval(() => {
      if (existsSync(join(run, 'metrics.jsonl')) && existsSync(join(run, 'last', 'model.json'))) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 100);
    const code = await exited;
    clearInterval(poll);
    expect(stderr).toContain('Interrupted (Ctrl-C again to quit now): stopping after this batch');
    expect(code).toBe(130);
    expect(stdout).toContain('Total params: 7,738');
    expect(stdout).toMatch(
      /^loss=\d+\.\d{4} batch_id=19 acc=\d+\.\d{2}: 100%\|█{10}\| 20\/20 \[\d\d:\d\d<00:00, \d+\.\d\d(it\/s|s\/it)\]$/m,
    );
    expect(stdout).toMatch(
      /^Test set: Average loss: \d+\.\d{4}, Accuracy: \d+\/1000 \(\d+\.\d\d%\)$/m,
    );
    expect(stdout).toContain(`Continue with: s4 train --resume ${run}`);
    const saved = JSON.parse(readFileSync(join(run, 'last', 'model.json'), 'utf8'));
    expect(saved.training.epoch).toBe(1);
    expect(saved.metadata.config.limit).toBe(2560);

    // Second session: picks the run up where it stopped.
    const resumed = s4('train', '--resume', run);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`Resuming s4 from ${join(run, 'last')} (epoch 2 of 2`);

    const metrics = readMetrics(run);
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2]);
    const [first, second] = metrics as [Metrics, Metrics];
    // Learning: the loss falls and accuracy ends far above chance (10%).
    expect(second.trainLoss).toBeLessThan(first.trainLoss);
    expect(second.testLoss).toBeLessThan(first.testLoss);
    expect(second.testAccuracy).toBeGreaterThan(60);
    expect(second.testAccuracy).toBeCloseTo((100 * second.testCorrect) / second.testCount, 10);
    expect(second.testCount).toBe(1000);

    for (const file of [
      'summary.txt',
      'train.log',
      'curves.svg',
      'confusion-matrix.svg',
      'misclassified.svg',
    ]) {
      expect(readFileSync(join(run, file), 'utf8').length).toBeGreaterThan(100);
    }
    expect(readFileSync(join(run, 'summary.txt'), 'utf8')).toContain('GlobalAvgPool-25');
    const log = readFileSync(join(run, 'train.log'), 'utf8');
    expect(log.match(/^Test set: /gm)).toHaveLength(2);
    expect(log).toContain('Interrupted');
    for (const image of ['curves.png', 'confusion-matrix.png', 'misclassified.png']) {
      const png = PNG.sync.read(readFileSync(join(run, image)));
      expect(png.width).toBeGreaterThan(300);
    }
    // The misclassified grid shows as many digits as the run got wrong (up to 60).
    const wrong = second.testCount - second.testCorrect;
    expect(readFileSync(join(run, 'misclassified.svg'), 'utf8').match(/<image /g)).toHaveLength(
      Math.min(60, wrong),
    );
    for (const checkpoint of ['last', 'best']) {
      const json = JSON.parse(readFileSync(join(run, checkpoint, 'model.json'), 'utf8'));
      expect(json.architecture).toHaveLength(27);
      expect(existsSync(join(run, checkpoint, 'weights.bin'))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(run, 'last', 'model.json'), 'utf8')).training.epoch).toBe(
      2,
    );
  }, 900_000);

  test.each([
    [['--epochs', '0'], /--epochs.*expected an integer ≥ 1, found "0"/],
    [['--lr', 'fast'], /--lr.*expected a number > 0, found "fast"/],
    [
      ['--model', 'lenet'],
      /error: unknown model "lenet": expected one of s4, seed-arch1, seed-arch2, s4-fast, or a model file/,
    ],
    [['--backend', 'gpu'], /expected one of wasm, cpu, found "gpu"/],
    [['--resume', 'no-such-run'], /--resume no-such-run: expected a run folder/],
    [
      ['--resume', 'x', '--epochs', '3'],
      /--resume continues a run with its own settings; drop --epochs/,
    ],
  ])('bad usage %j exits with code 2 and says why', (args, message) => {
    const result = s4('train', ...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
