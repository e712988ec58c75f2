import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MnistData } from '@s4/mnist-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type TrainingState,
} from '../src/checkpoint/training-state';
import { TrainingBatches } from '../src/data/batches';
import { sliceDataset } from '../src/data/dataset';
import { CoreError } from '../src/errors';
import { type FitEvent, type FitOptions, fit } from '../src/fit';
import { Adam } from '../src/optim/adam';
import { SGD } from '../src/optim/sgd';
import { OneCycleLR } from '../src/schedulers/one-cycle';
import { ReduceLROnPlateau } from '../src/schedulers/reduce-lr-on-plateau';
import { loadSubset } from './mnist';
import { plainNet, tinyNet, weightBytes } from './train-helpers';

let train: MnistData;
let test: MnistData;
let tmp: string;

beforeAll(async () => {
  train = await loadSubset('train', 512);
  test = await loadSubset('test', 256);
  tmp = await mkdtemp(join(tmpdir(), 's4-fit-'));
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** One training setup (the tiny-CNN recipe, scaled down): model, SGD+Nesterov, OneCycle. */
function recipe(epochs: number, initSeed = 1, stepsPerEpoch = 8) {
  const model = tinyNet(initSeed);
  const optimizer = new SGD(model.namedParameters(), {
    lr: 0.05,
    momentum: 0.9,
    nesterov: true,
    weightDecay: 5e-4,
  });
  const scheduler = new OneCycleLR(optimizer, { maxLr: 0.1, epochs, stepsPerEpoch });
  const options: FitOptions = {
    epochs,
    batchSize: 64,
    optimizer,
    scheduler,
    augment: { rotation: 7, translate: 0.05 },
    seed: 42,
    testData: test,
  };
  return { model, optimizer, scheduler, options };
}

function batchLosses(events: FitEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'batchEnd' ? [e.loss] : []));
}

// tfjs's cpu Conv2DBackpropFilter is a plain loop (~1.5 s per batch of 64 here), so the cpu run
// is shorter: 2 epochs of 1 batch of 64.
for (const [backend, trainCount] of [
  ['cpu', 64],
  ['wasm', 512],
] as const) {
  describe(`fit on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    it('same seed, same backend: the same losses and weights, bit for bit', async () => {
      const runs = [];
      const data = sliceDataset(train, 0, trainCount);
      const steps = trainCount / 64;
      for (let i = 0; i < 2; i++) {
        const { model, optimizer, options } = recipe(2, 1, steps);
        const events: FitEvent[] = [];
        const result = await fit(model, data, { ...options, onEvent: (e) => void events.push(e) });
        runs.push({ losses: batchLosses(events), weights: weightBytes(model), result, events });
        optimizer.dispose();
        model.dispose();
      }
      const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
      expect(a.losses).toHaveLength(2 * steps);
      expect(b.losses).toEqual(a.losses);
      expect([...b.weights]).toEqual([...a.weights]);
      // It learns: the second epoch's loss is below the first's and beats chance on test data.
      const [e1, e2] = a.result.history;
      if (backend === 'wasm') {
        expect(e2!.trainLoss).toBeLessThan(e1!.trainLoss);
        expect(e2!.testAccuracy).toBeGreaterThan(0.5);
      }
      const epochEnd = a.events.find((e) => e.type === 'epochEnd');
      expect(
        epochEnd?.type === 'epochEnd' && epochEnd.test?.confusion.flat().reduce((s, n) => s + n),
      ).toBe(256);
      // The last batch's running means are the epoch's training loss and accuracy.
      const lastOfEpoch1 = a.events.filter((e) => e.type === 'batchEnd' && e.epoch === 1).at(-1);
      expect(lastOfEpoch1?.type === 'batchEnd' && lastOfEpoch1.epochLoss).toBeCloseTo(
        e1!.trainLoss,
        12,
      );
      expect(lastOfEpoch1?.type === 'batchEnd' && lastOfEpoch1.epochAccuracy).toBe(
        e1!.trainAccuracy,
      );
      expect(e1!.trainSeconds).toBeLessThanOrEqual(e1!.seconds);
      expect(e1!.trainImagesPerSec).toBeCloseTo(trainCount / e1!.trainSeconds, 6);
      const batchEnd = a.events.find((e) => e.type === 'batchEnd');
      expect(batchEnd).toMatchObject({
        epoch: 1,
        epochs: 2,
        batch: 1,
        batches: steps,
        step: 1,
        size: 64,
      });
      expect(batchEnd?.type === 'batchEnd' && batchEnd.imagesPerSec).toBeGreaterThan(0);
      const firstLr = new OneCycleLR(
        { lr: 0, momentum: 0 },
        {
          maxLr: 0.1,
          epochs: 2,
          stepsPerEpoch: steps,
        },
      ).getLastLr();
      expect(batchEnd?.type === 'batchEnd' && batchEnd.lr).toBe(firstLr);
    });

    it('a different seed gives a different run', async () => {
      const losses = [];
      for (const seed of [1, 2]) {
        const { model, optimizer, options } = recipe(1, 1, 1);
        const events: FitEvent[] = [];
        await fit(model, sliceDataset(train, 0, 64), {
          ...options,
          seed,
          onEvent: (e) => void events.push(e),
        });
        losses.push(batchLosses(events));
        optimizer.dispose();
        model.dispose();
      }
      expect(losses[1]).not.toEqual(losses[0]);
    });
  });
}

describe('fit guards, memory, abort and resume (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('stops on a NaN/infinite loss, naming epoch, batch and learning rate', async () => {
    // Adam moves every weight by about lr per step: the logits overflow float32 at once.
    // (BatchNorm would rescale the activations and keep the loss finite, so plainNet has none.)
    const model = plainNet(3);
    const optimizer = new Adam(model.namedParameters(), { lr: 1e37 });
    const attempt = fit(model, train, { epochs: 2, batchSize: 32, optimizer });
    await expect(attempt).rejects.toThrow(CoreError);
    await expect(attempt).rejects.toMatchObject({ code: 'NON_FINITE_LOSS' });
    await expect(attempt).rejects.toThrow(
      /the loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+ \(learning rate 1e\+37\)/,
    );
    optimizer.dispose();
    model.dispose();
  });

  it('keeps tf.memory().numTensors the same after every epoch (300 steps)', async () => {
    const before = tf.memory().numTensors;
    const model = tinyNet(4);
    const optimizer = new Adam(model.namedParameters(), { lr: 1e-3 });
    const scheduler = new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
    const counts: number[] = [];
    const result = await fit(model, train, {
      epochs: 3,
      batchSize: 5, // 103 batches an epoch, 309 steps
      optimizer,
      scheduler,
      augment: { rotation: 10, scale: [0.9, 1.1] },
      testData: test,
      evalBatchSize: 100,
      onEvent: (e) => {
        if (e.type === 'epochEnd') counts.push(tf.memory().numTensors);
      },
    });
    expect(result.state.step).toBe(309);
    expect(counts).toHaveLength(3);
    expect(new Set(counts).size).toBe(1);
    optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an AbortSignal stops between batches and reports where', async () => {
    const { model, optimizer, options } = recipe(2);
    const controller = new AbortController();
    const events: FitEvent[] = [];
    const checkpoints: Array<[TrainingState, string]> = [];
    const result = await fit(model, train, {
      ...options,
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'batchEnd' && e.batch === 3) controller.abort();
      },
      onCheckpoint: (state, reason) => void checkpoints.push([state, reason]),
    });
    expect(result.status).toBe('aborted');
    expect(result.state).toMatchObject({ epoch: 0, batch: 3, step: 3 });
    expect(events.at(-1)).toEqual({ type: 'aborted', epoch: 1, batchesDone: 3 });
    expect(checkpoints.map(([, reason]) => reason)).toEqual(['abort']);
    optimizer.dispose();
    model.dispose();
  });

  for (const stopAt of [
    { epoch: 1, batch: 8, label: 'at an epoch boundary' },
    { epoch: 2, batch: 3, label: 'mid-epoch' },
  ]) {
    it(`resume from a checkpoint folder ${stopAt.label} continues to the same result`, async () => {
      const straight = recipe(2);
      const straightEvents: FitEvent[] = [];
      await fit(straight.model, train, {
        ...straight.options,
        onEvent: (e) => void straightEvents.push(e),
      });

      const dir = join(tmp, `run-${stopAt.epoch}-${stopAt.batch}`);
      const first = recipe(2);
      const controller = new AbortController();
      const firstEvents: FitEvent[] = [];
      await fit(first.model, train, {
        ...first.options,
        signal: controller.signal,
        onEvent: (e) => {
          firstEvents.push(e);
          if (e.type === 'batchEnd' && e.epoch === stopAt.epoch && e.batch === stopAt.batch) {
            controller.abort();
          }
        },
        onCheckpoint: (state) => saveTrainingCheckpoint(dir, first.model, state),
      });
      expect(await readdir(dir)).toEqual(['model.json', 'weights.bin']);

      // A fresh process: another initialisation, a new optimizer and scheduler.
      const second = recipe(2, 99);
      const loaded = await loadTrainingCheckpoint(dir, { model: second.model });
      const secondEvents: FitEvent[] = [];
      const result = await fit(second.model, train, {
        ...second.options,
        resume: loaded.state,
        onEvent: (e) => void secondEvents.push(e),
      });
      loaded.dispose();
      expect(result.status).toBe('completed');
      expect([...batchLosses(firstEvents), ...batchLosses(secondEvents)]).toEqual(
        batchLosses(straightEvents),
      );
      expect([...weightBytes(second.model)]).toEqual([...weightBytes(straight.model)]);
      expect(result.history).toEqual(
        straightEvents
          .filter((e) => e.type === 'epochEnd')
          .map(({ type, epochs, test, seconds, trainSeconds, trainImagesPerSec, ...rest }) =>
            expect.objectContaining(rest),
          ),
      );
      for (const run of [straight, first, second]) {
        run.optimizer.dispose();
        run.model.dispose();
      }
    });
  }

  it('hands the monitored metric to ReduceLROnPlateau once per epoch', async () => {
    const model = tinyNet(8);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.04 });
    // 'max' needing a gain of 1 (100 points of accuracy): only the first epoch improves.
    const scheduler = new ReduceLROnPlateau(optimizer, {
      mode: 'max',
      patience: 0,
      factor: 0.5,
      threshold: 1,
      thresholdMode: 'abs',
    });
    const data = sliceDataset(train, 0, 64);
    const { history } = await fit(model, data, {
      epochs: 3,
      batchSize: 32,
      optimizer,
      scheduler,
      monitor: 'trainAccuracy',
    });
    expect(history.map((h) => h.lr)).toEqual([0.04, 0.02, 0.01]);
    expect(scheduler.best).toBe(history[0]!.trainAccuracy);
    await expect(
      fit(model, data, { epochs: 1, optimizer, scheduler, monitor: 'testLoss' }),
    ).rejects.toThrow(/fit monitor: 'testLoss' needs testData, which is missing/);
    await expect(fit(model, data, { epochs: 1, optimizer, labelSmoothing: 1 })).rejects.toThrow(
      /fit labelSmoothing: expected a number in \[0, 1\), found 1/,
    );
    optimizer.dispose();
    model.dispose();
  });

  it('asks a batchSource for batch k+1 before step k runs, with the same result', async () => {
    const data = sliceDataset(train, 0, 128);
    const runs: Array<{ losses: number[]; log: string[] }> = [];
    for (const custom of [false, true]) {
      const { model, optimizer, options } = recipe(1, 1, 4);
      const reference = new TrainingBatches(data, {
        batchSize: 32,
        seed: 42,
        augment: options.augment,
      });
      const log: string[] = [];
      const events: FitEvent[] = [];
      await fit(model, data, {
        ...options,
        batchSize: 32,
        testData: undefined,
        ...(custom
          ? {
              batchSource: async (epoch: number, batch: number) => {
                log.push(`prepare ${epoch}.${batch}`);
                return reference.prepare(epoch, batch);
              },
            }
          : {}),
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'batchEnd') log.push(`step ${e.batch - 1}`);
        },
      });
      runs.push({ losses: batchLosses(events), log });
      optimizer.dispose();
      model.dispose();
    }
    expect(runs[1]!.losses).toEqual(runs[0]!.losses);
    expect(runs[1]!.log).toEqual([
      'prepare 0.0',
      'prepare 0.1',
      'step 0',
      'prepare 0.2',
      'step 1',
      'prepare 0.3',
      'step 2',
      'step 3',
    ]);
  });

  it('refuses to resume with different settings', async () => {
    const { model, optimizer, options } = recipe(1);
    const controller = new AbortController();
    controller.abort();
    const { state } = await fit(model, train, { ...options, signal: controller.signal });
    await expect(fit(model, train, { ...options, batchSize: 32, resume: state })).rejects.toThrow(
      /saved run has batchSize 64 but this one has 32/,
    );
    await expect(
      fit(model, train, { ...options, scheduler: undefined, resume: state }),
    ).rejects.toThrow(/saved run has a OneCycleLR scheduler but this one has none/);
    optimizer.dispose();
    model.dispose();
  });
});
