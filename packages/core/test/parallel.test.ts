import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MnistData } from '@s4/mnist-data';
import { Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { loadTrainingCheckpoint, saveTrainingCheckpoint } from '../src/checkpoint/training-state';
import { CoreError } from '../src/errors';
import { type FitEvent, type FitOptions, fit } from '../src/fit';
import { Conv2d } from '../src/nn/conv2d';
import { Flatten } from '../src/nn/flatten';
import { Linear } from '../src/nn/linear';
import { LogSoftmax } from '../src/nn/log-softmax';
import { MaxPool2d } from '../src/nn/max-pool-2d';
import { ReLU } from '../src/nn/relu';
import { Sequential } from '../src/nn/sequential';
import { SGD } from '../src/optim/sgd';
import { defaultWorkerUrl } from '../src/parallel/worker-pool';
import { loadSubset } from './mnist';
import { tinyNet, weightBytes } from './train-helpers';

// The workers run the BUILT entry (dist/parallel-worker.js), as `s4 train` does; turbo builds
// the package before its tests. The main thread runs these sources.
const workerFile = fileURLToPath(defaultWorkerUrl());

let train: MnistData;
let test: MnistData;

beforeAll(async () => {
  expect(existsSync(workerFile), 'run `pnpm --filter @s4/core build` first').toBe(true);
  await initBackend({ backend: 'wasm' });
  train = await loadSubset('train', 1024);
  test = await loadSubset('test', 500);
});

/** No BatchNorm, no Dropout: data-parallel gradients must equal the full batch's exactly. */
function plainNet(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d(1, 6, 3, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(6, 8, 3, { rng }),
    new ReLU(),
    new Flatten(),
    new Linear(8 * 11 * 11, 10, { rng }),
    new LogSoftmax(),
  );
}

/** Threads of this process now (Linux): worker threads that were not shut down stay counted. */
function threadCount(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^Threads:\s+(\d+)/m);
  return Number(line?.[1]);
}

async function run(model: Sequential, workers: number, extra: Partial<FitOptions> = {}) {
  const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
  const losses: number[] = [];
  const result = await fit(model, train, {
    epochs: 1,
    batchSize: 100, // 1024 images: ten batches of 100 and a last one of 24 (uneven shards)
    optimizer,
    seed: 7,
    workers,
    onEvent: (e) => {
      if (e.type === 'batchEnd') losses.push(e.loss);
    },
    ...extra,
  });
  optimizer.dispose();
  return { result, losses };
}

function flatWeights(model: Sequential): Float32Array {
  const parts = model.namedParameters().map(([, v]) => v.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

describe('data-parallel fit on worker threads', () => {
  it('matches single-worker training step for step without BatchNorm/Dropout', async () => {
    const single = plainNet(3);
    const parallel = plainNet(3);
    const a = await run(single, 1);
    const b = await run(parallel, 2);
    expect(b.losses).toHaveLength(11);
    // The loss falls (so the comparison is of real training, not of a frozen model)…
    expect(a.losses.at(-1)!).toBeLessThan(a.losses[0]! * 0.8);
    // …and every batch's loss and the final weights agree to float rounding.
    for (let i = 0; i < a.losses.length; i++) {
      expect(Math.abs(b.losses[i]! - a.losses[i]!)).toBeLessThan(1e-4 * Math.abs(a.losses[i]!));
    }
    const wa = flatWeights(single);
    const wb = flatWeights(parallel);
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < wa.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(wa[i]! - wb[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(wa[i]!));
    }
    expect(maxDiff).toBeLessThan(1e-4 * maxAbs);
    // A different number of workers is a different summation order, not a different model.
    expect(maxDiff).toBeGreaterThanOrEqual(0);
    single.dispose();
    parallel.dispose();
  });

  it('trains with label smoothing across workers as on one thread', async () => {
    const single = plainNet(3);
    const parallel = plainNet(3);
    const plain = plainNet(3);
    const a = await run(single, 1, { labelSmoothing: 0.1 });
    const b = await run(parallel, 2, { labelSmoothing: 0.1 });
    const c = await run(plain, 1);
    // Same weights, same batch: the first step's smoothed loss agrees to float rounding, and
    // differs from the plain one (by 4e-4 at this near-uniform start).
    expect(Math.abs(b.losses[0]! - a.losses[0]!)).toBeLessThan(1e-6 * a.losses[0]!);
    expect(Math.abs(c.losses[0]! - a.losses[0]!)).toBeGreaterThan(1e-4);
    // Later steps drift apart by float rounding (at most ~5e-4 here), far less than from the
    // plain run's.
    let drift = 0;
    let toPlain = 0;
    for (let i = 0; i < a.losses.length; i++) {
      drift += Math.abs(b.losses[i]! - a.losses[i]!);
      toPlain += Math.abs(c.losses[i]! - a.losses[i]!);
    }
    expect(drift).toBeLessThan(0.05 * toPlain);
    for (const m of [single, parallel, plain]) m.dispose();
  });

  it('evaluates across workers exactly as in the main thread', async () => {
    const model = plainNet(5);
    const here = await run(model, 1, { testData: test });
    const there = await run(plainNet(5), 2, { testData: test, epochs: 1 });
    const h = here.result.history[0]!;
    const t = there.result.history[0]!;
    expect(t.testAccuracy).toBeGreaterThan(0.5);
    expect(Math.abs(t.testAccuracy! - h.testAccuracy!)).toBeLessThanOrEqual(2 / test.count);
    expect(Math.abs(t.testLoss! - h.testLoss!)).toBeLessThan(1e-3 * h.testLoss!);
    model.dispose();
  });

  it('with BatchNorm and Dropout trains to a similar loss and combines running statistics', async () => {
    const single = tinyNet(11);
    const parallel = tinyNet(11);
    const a = await run(single, 1, { epochs: 2 });
    const b = await run(parallel, 2, { epochs: 2 });
    const [la, lb] = [a.result.history[1]!.trainLoss, b.result.history[1]!.trainLoss];
    expect(lb).toBeLessThan(a.result.history[0]!.trainLoss);
    expect(Math.abs(lb - la)).toBeLessThan(0.25 * la);
    // Running statistics moved from their initial 0/1 and agree with single-worker training.
    const stats = (m: Sequential, name: string) =>
      m
        .namedBuffers()
        .find(([n]) => n === name)![1]
        .dataSync() as Float32Array;
    for (const name of ['1.running_mean', '1.running_var']) {
      const sa = stats(single, name);
      const sb = stats(parallel, name);
      for (let i = 0; i < sa.length; i++) {
        expect(sb[i]).not.toBe(name.endsWith('mean') ? 0 : 1);
        expect(Math.abs(sb[i]! - sa[i]!)).toBeLessThan(0.3 * Math.abs(sa[i]!) + 0.05);
      }
    }
    const tracked = stats(parallel, '1.num_batches_tracked');
    expect(tracked[0]).toBe(2 * 11);
    single.dispose();
    parallel.dispose();
  });

  it('leaks no tensors from epoch to epoch', async () => {
    const model = tinyNet(2);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9 });
    const counts: number[] = [];
    await fit(model, train, {
      epochs: 3,
      batchSize: 128,
      optimizer,
      workers: 2,
      testData: test,
      onEvent: (e) => {
        if (e.type === 'epochEnd') counts.push(tf.memory().numTensors);
      },
    });
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
    optimizer.dispose();
    model.dispose();
  });

  it('shuts the workers down when training is aborted', async () => {
    const before = threadCount();
    const controller = new AbortController();
    let during = 0;
    const model = tinyNet(4);
    const { result } = await run(model, 2, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'batchEnd' && e.batch === 2) {
          during = threadCount();
          controller.abort();
        }
      },
    });
    expect(result.status).toBe('aborted');
    expect(result.state.batch).toBe(2);
    expect(during).toBeGreaterThanOrEqual(before + 2);
    expect(threadCount()).toBe(before);
    model.dispose();
  });

  it('repeats a run bit for bit for a given worker count, across a checkpoint and resume', async () => {
    const setup = (initSeed: number) => {
      const model = tinyNet(initSeed);
      const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9 });
      const options: FitOptions = { epochs: 1, batchSize: 100, optimizer, seed: 3, workers: 2 };
      return { model, optimizer, options };
    };
    const lossesOf = (events: FitEvent[]) =>
      events.flatMap((e) => (e.type === 'batchEnd' ? [e.loss] : []));
    const straight = setup(9);
    const straightEvents: FitEvent[] = [];
    await fit(straight.model, train, {
      ...straight.options,
      onEvent: (e) => void straightEvents.push(e),
    });

    const dir = await mkdtemp(join(tmpdir(), 's4-parallel-'));
    try {
      const first = setup(9);
      const controller = new AbortController();
      const firstEvents: FitEvent[] = [];
      await fit(first.model, train, {
        ...first.options,
        signal: controller.signal,
        onEvent: (e) => {
          firstEvents.push(e);
          if (e.type === 'batchEnd' && e.batch === 4) controller.abort();
        },
        onCheckpoint: (state) => saveTrainingCheckpoint(dir, first.model, state),
      });
      // Another initialisation, loaded from the checkpoint: Dropout streams and BatchNorm
      // statistics must come back exactly.
      const second = setup(77);
      const loaded = await loadTrainingCheckpoint(dir, { model: second.model });
      const secondEvents: FitEvent[] = [];
      await fit(second.model, train, {
        ...second.options,
        resume: loaded.state,
        onEvent: (e) => void secondEvents.push(e),
      });
      loaded.dispose();
      expect(lossesOf(straightEvents)).toHaveLength(11);
      expect([...lossesOf(firstEvents), ...lossesOf(secondEvents)]).toEqual(
        lossesOf(straightEvents),
      );
      expect([...weightBytes(second.model)]).toEqual([...weightBytes(straight.model)]);
      for (const r of [straight, first, second]) {
        r.optimizer.dispose();
        r.model.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('shuts the workers down when training fails, with the error of the failure', async () => {
    const before = threadCount();
    const model = plainNet(6);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.01 });
    // A weight gone bad: the first step's loss is NaN, which stops training with an error.
    // (The last layer's bias: a NaN before a ReLU can vanish, as XNNPACK's max(0, NaN) is 0.)
    const [, bias] = model.namedParameters().at(-1)!;
    bias.assign(tf.fill(bias.shape, Number.NaN));
    const failure = fit(model, train, { epochs: 1, batchSize: 100, optimizer, workers: 2 });
    await expect(failure).rejects.toMatchObject({ code: 'NON_FINITE_LOSS' });
    expect(threadCount()).toBe(before);
    optimizer.dispose();
    model.dispose();
  });

  it('names the worker file when the workers cannot start', async () => {
    const before = threadCount();
    const model = plainNet(6);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.01 });
    const missing = new URL('./no-such-worker.js', import.meta.url);
    const error = await fit(model, train, {
      epochs: 1,
      optimizer,
      workers: 2,
      workerUrl: missing,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('WORKER_FAILED');
    expect((error as Error).message).toContain('no-such-worker.js');
    expect(threadCount()).toBe(before);
    optimizer.dispose();
    model.dispose();
  });
});
