import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluate, initBackend } from '@s4/core';
import { loadCheckpoint } from '@s4/core/checkpoint';
import { loadMnist } from '@s4/mnist-data';
import { describe, expect, it } from 'vitest';
import {
  getZooModel,
  loadShippedModel,
  meetsAllConstraints,
  paramCount,
  parseModelFile,
  shippedRun,
  shippedWeightsUrl,
} from '../src/index';

/**
 * What a run logged and what evaluating its checkpoint here gives may differ by an image or
 * two: the convolution kernels round differently across CPUs (FMA or not, XNNPACK's choice of
 * microkernel), which can flip a prediction whose top two logits are nearly tied.
 */
const SAME_RUN_IMAGES = 2;

/** A committed run's per-epoch metrics (metrics.jsonl in its folder). */
function runMetrics(run: URL): Array<{ testCorrect: number }> {
  return readFileSync(fileURLToPath(new URL('metrics.jsonl', run)), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/**
 * Evaluates a committed run's final checkpoint (last/) on the 10,000 test images and checks that
 * it has `epochs` logged epochs, `parameters` parameters, and scores what its run logged.
 */
async function expectFinalCheckpointAsLogged(
  run: URL,
  { epochs, parameters }: { epochs: number; parameters: number },
): Promise<{ accuracy: number }> {
  await initBackend({ backend: 'wasm' });
  const metrics = runMetrics(run);
  expect(metrics).toHaveLength(epochs);
  const loaded = await loadCheckpoint(fileURLToPath(new URL('last/', run)));
  try {
    loaded.model.eval();
    expect(loaded.model.numParameters()).toBe(parameters);
    const test = await loadMnist({ split: 'test', download: false });
    const result = await evaluate(loaded.model, test, { normalization: loaded.normalization });
    expect(result.total).toBe(10_000);
    expect(Math.abs(result.correct - metrics.at(-1)!.testCorrect)).toBeLessThanOrEqual(
      SAME_RUN_IMAGES,
    );
    return result;
  } finally {
    loaded.model.dispose();
    for (const t of loaded.extraTensors.values()) t.dispose();
  }
}

describe('shipped S4 weights', () => {
  it('reach at least 99.4% on the 10,000 real MNIST test images', async () => {
    await initBackend({ backend: 'wasm' });
    const loaded = await loadShippedModel('s4');
    try {
      expect(loaded.model.numParameters()).toBe(7738);
      const test = await loadMnist({ split: 'test', download: false });
      const result = await evaluate(loaded.model, test, { normalization: loaded.normalization });
      expect(result.total).toBe(10_000);
      expect(result.accuracy).toBeGreaterThanOrEqual(0.994);
      // The run's own final-epoch measurement, shipped beside the weights, agrees.
      const metrics = readFileSync(
        fileURLToPath(new URL('metrics.jsonl', shippedWeightsUrl('s4'))),
        'utf8',
      )
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(Math.abs(metrics.at(-1).testCorrect - result.correct)).toBeLessThanOrEqual(
        SAME_RUN_IMAGES,
      );
      const run = await shippedRun('s4');
      expect(run?.finalAccuracy).toBeCloseTo(metrics.at(-1).testAccuracy, 6);
    } finally {
      loaded.model.dispose();
    }
  });
});

describe.each([
  ['seed-arch1', 17_502, 15],
  ['seed-arch2', 9_626, 15],
  ['s4-fast', 18_938, 4],
] as const)('shipped %s weights', (name, params, epochs) => {
  it('score on the 10,000 test images what their training run measured', async () => {
    await initBackend({ backend: 'wasm' });
    const loaded = await loadShippedModel(name);
    try {
      expect(loaded.model.numParameters()).toBe(params);
      const test = await loadMnist({ split: 'test', download: false });
      const result = await evaluate(loaded.model, test, { normalization: loaded.normalization });
      const run = await shippedRun(name);
      expect(run?.epochs).toBe(epochs);
      expect(
        Math.abs(result.accuracy * 10_000 - (run?.finalAccuracy ?? Number.NaN) * 100),
      ).toBeLessThanOrEqual(SAME_RUN_IMAGES + 1e-6);
      expect(result.accuracy).toBeGreaterThan(0.99);
    } finally {
      loaded.model.dispose();
    }
  });
});

describe('the s4 recipe across seeds (the committed runs of `s4 train --seed N`)', () => {
  it.each([1, 2, 3])(
    'seed %i: the final epoch’s checkpoint scores at least 99.4% on the 10,000 test images, as its run logged',
    async (seed) => {
      const run = new URL(`../weights-runs/s4-seed${seed}/`, import.meta.url);
      const result = await expectFinalCheckpointAsLogged(run, { epochs: 15, parameters: 7738 });
      expect(result.accuracy).toBeGreaterThanOrEqual(0.994);
    },
  );
});

describe('the s4-fast recipe over 5 seeds (the committed `s4 train --seeds 1,2,3,4,5`)', () => {
  const folder = new URL('../weights-runs/s4-fast-seeds/', import.meta.url);
  const summary = JSON.parse(readFileSync(fileURLToPath(new URL('seeds.json', folder)), 'utf8'));

  it("sums up its seeds' final accuracies (the table in BENCHMARKS.md)", () => {
    expect(summary.seeds).toEqual([1, 2, 3, 4, 5]);
    const finals: number[] = summary.runs.map((r: { finalAccuracy: number }) => r.finalAccuracy);
    expect(finals.map((f) => f.toFixed(2))).toEqual(['99.45', '99.43', '99.41', '99.42', '99.44']);
    const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
    expect(summary.finalAccuracy.mean).toBeCloseTo(mean, 9);
    expect(mean.toFixed(2)).toBe('99.43');
  });

  it.each([1, 2, 3, 4, 5])(
    "seed %i: was trained by the zoo's s4-fast recipe, as its log's header records",
    (seed) => {
      const log = readFileSync(fileURLToPath(new URL(`seed-${seed}/train.log`, folder)), 'utf8');
      const header = JSON.parse((log.split('\n')[0] ?? '').replace(/^# \S+ s4 train /, ''));
      const { recipe } = getZooModel('s4-fast');
      expect(header.model).toBe('s4-fast');
      expect(header.seed).toBe(seed);
      expect(header.epochs).toBe(recipe.epochs);
      expect(header.batchSize).toBe(recipe.batchSize);
      expect(header.optimizer).toMatchObject({
        name: recipe.optimizer.name,
        lr: recipe.optimizer.lr,
        momentum: recipe.optimizer.momentum,
        nesterov: recipe.optimizer.nesterov,
      });
      expect(header.scheduler).toEqual(recipe.scheduler);
      expect(header.augment).toEqual(recipe.augment);
    },
  );

  it.each([1, 2, 3, 4, 5])(
    'seed %i: the final checkpoint (4 epochs) scores on the 10,000 test images what its run logged',
    async (seed) => {
      await expectFinalCheckpointAsLogged(new URL(`seed-${seed}/`, folder), {
        epochs: 4,
        parameters: 18_938,
      });
    },
  );
});

describe('the under-5,000-parameter model over 5 seeds (bench/small-model/s4-small.json)', () => {
  const modelFile = new URL('../../../bench/small-model/s4-small.json', import.meta.url);
  const folder = new URL('../weights-runs/s4-small-seeds/', import.meta.url);
  const model = parseModelFile(readFileSync(fileURLToPath(modelFile), 'utf8'));
  const summary = JSON.parse(readFileSync(fileURLToPath(new URL('seeds.json', folder)), 'utf8'));

  it('has fewer than 5,000 parameters, meets every constraint and trains ≤ 20 epochs', () => {
    expect(paramCount(model.architecture)).toBe(4822);
    expect(meetsAllConstraints(model.architecture)).toBe(true);
    expect(model.recipe.epochs).toBeLessThanOrEqual(20);
  });

  it('averages at least 99.40% final test accuracy over its committed seeds 1-5', () => {
    expect(summary.seeds).toEqual([1, 2, 3, 4, 5]);
    const finals: number[] = summary.runs.map((r: { finalAccuracy: number }) => r.finalAccuracy);
    const mean = finals.reduce((a, b) => a + b, 0) / finals.length;
    expect(summary.finalAccuracy.mean).toBeCloseTo(mean, 9);
    expect(mean).toBeGreaterThanOrEqual(99.4);
  });

  it.each([1, 2, 3, 4, 5])(
    'seed %i: its final checkpoint (epoch 20) scores on the 10,000 test images what its run logged',
    async (seed) => {
      await expectFinalCheckpointAsLogged(new URL(`seed-${seed}/`, folder), {
        epochs: model.recipe.epochs,
        parameters: 4822,
      });
    },
  );
});
