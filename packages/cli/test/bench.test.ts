import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt, root } from './cli-bin';

// The real `s4` bin, timing real training steps on real MNIST (a few, to keep CI short).

beforeAll(ensureCliBuilt, 600_000);

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, 'bench', ...args], { cwd: root, encoding: 'utf8' });

describe('s4 bench', () => {
  test('--json prints the measurement of timed steps on two workers', () => {
    const result = s4(
      '--model',
      'seed-arch2',
      '--steps',
      '3',
      '--warmup',
      '1',
      '--workers',
      '2',
      '--infer-batch-sizes',
      '250,500',
      '--json',
    );
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const line = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '');
    expect(Object.keys(line)).toEqual([
      'model',
      'backend',
      'workers',
      'batchSize',
      'steps',
      'trainImagesPerSec',
      'msPerStep',
      'inferImagesPerSec',
      'inferBatchSize',
      'inferImagesPerSecByBatch',
      'cpuMsPerStep',
      'load',
    ]);
    expect(line).toMatchObject({
      model: 'seed-arch2',
      backend: 'wasm',
      workers: 2,
      batchSize: 128,
      steps: 3,
    });
    // Consistent units: images/s of the timed steps is batch / seconds per step.
    expect(line.trainImagesPerSec).toBeCloseTo((128 * 1000) / line.msPerStep, 6);
    expect(line.msPerStep).toBeGreaterThan(0);
    expect(line.inferImagesPerSec).toBeGreaterThan(0);
    // Every inference batch size asked for is timed; the reported one is the fastest.
    expect(Object.keys(line.inferImagesPerSecByBatch)).toEqual(['250', '500']);
    expect(line.inferImagesPerSec).toBe(
      Math.max(...Object.values<number>(line.inferImagesPerSecByBatch)),
    );
    expect(line.inferImagesPerSec).toBe(line.inferImagesPerSecByBatch[line.inferBatchSize]);
    expect(line.cpuMsPerStep).toBeGreaterThan(0);
  });

  test('bad usage exits with code 2 and names the option', () => {
    const unknown = s4('--model', 'nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/nope/);
    const tooMany = s4('--steps', '500', '--warmup', '3', '--batch-size', '128');
    expect(tooMany.status).toBe(2);
    expect(tooMany.stderr).toMatch(/--steps 500.*needs 64384 training images; MNIST has 60000/);
    const zero = s4('--steps', '0');
    expect(zero.status).toBe(2);
    expect(zero.stderr).toMatch(/--steps/);
    const badList = s4('--infer-batch-sizes', '128,,0');
    expect(badList.status).toBe(2);
    expect(badList.stderr).toMatch(/--infer-batch-sizes.*128,,0/);
  });
});
