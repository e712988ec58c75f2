import type { AugmentOptions } from './data/augmentation';
import { type PreparedBatch, TrainingBatches } from './data/batches';
import { checkDataset, type ImageDataset } from './data/dataset';
import { MNIST_NORMALIZATION, type Normalization } from './data/normalization';
import { batchToTensors } from './data/to-tensors';
import { CoreError } from './errors';
import { type Evaluation, evaluate } from './evaluate';
import type { LossKind } from './losses';
import { flatLayout } from './nn/flat-state';
import type { Module } from './nn/module';
import type { Optimizer } from './optim/optimizer';
import {
  type FlatGradientResult,
  WorkerPool,
  type WorkerPoolOptions,
} from './parallel/worker-pool';
import type { Scheduler } from './schedulers/scheduler';
import {
  applyGradientsFlat,
  computeGradients,
  disposeGradients,
  type GradientResult,
  lossKindFor,
} from './train-step';
import { checkResume, type EpochSummary, type TrainingState } from './training-state';
import { yieldToEventLoop } from './yield';

/** Emitted after every optimizer step. Epochs and batches count from 1, for people. */
export interface BatchEndEvent {
  type: 'batchEnd';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Optimizer steps since the start of training. */
  step: number;
  /** Images in this batch (the last one of an epoch may be smaller). */
  size: number;
  /** Mean loss of this batch. */
  loss: number;
  /** Accuracy on this batch. */
  accuracy: number;
  /** Running mean loss and accuracy over the epoch so far (what a progress bar shows). */
  epochLoss: number;
  epochAccuracy: number;
  /** Learning rate this step used. */
  lr: number;
  /** Training throughput so far in this epoch. */
  imagesPerSec: number;
}

export interface EpochEndEvent extends EpochSummary {
  type: 'epochEnd';
  epochs: number;
  /** The full test evaluation (confusion matrix, misclassified images) when testData was given. */
  test?: Evaluation;
}

/** Training stopped on the AbortSignal; `state` resumes it exactly. */
export interface AbortedEvent {
  type: 'aborted';
  /** The epoch (from 1) in progress and how many of its batches were done. */
  epoch: number;
  batchesDone: number;
}

export type FitEvent = BatchEndEvent | EpochEndEvent | AbortedEvent;

export interface FitOptions {
  epochs: number;
  /** Default 64. */
  batchSize?: number | undefined;
  optimizer: Optimizer;
  /** Stepped per batch or per epoch as its `interval` says; ReduceLROnPlateau gets `monitor`. */
  scheduler?: Scheduler | undefined;
  /**
   * The metric handed to an epoch scheduler's `step` (ReduceLROnPlateau): default 'testLoss',
   * or 'trainLoss' without test data. Use mode 'max' on the scheduler for accuracies.
   */
  monitor?: 'testLoss' | 'testAccuracy' | 'trainLoss' | 'trainAccuracy' | undefined;
  /** Random rotation/shift/scale of the training images; none by default. */
  augment?: AugmentOptions | undefined;
  /** Seeds the data order and augmentation (default 0). Model init and dropout have their own. */
  seed?: number | undefined;
  /** Evaluated after every epoch. */
  testData?: ImageDataset | undefined;
  normalization?: Normalization | undefined;
  /** Default: from the model's last layer ('nll' after LogSoftmax, else 'cross-entropy'). */
  loss?: LossKind | undefined;
  /** Stops cleanly between two batches; `fit` then resolves with status 'aborted'. */
  signal?: AbortSignal | undefined;
  onEvent?: ((event: FitEvent) => void | Promise<void>) | undefined;
  /** Called with a resumable state after every epoch and on abort (save a checkpoint here). */
  onCheckpoint?:
    | ((state: TrainingState, reason: 'epoch' | 'abort') => void | Promise<void>)
    | undefined;
  /** Continue from a saved state (the model must already hold the matching weights). */
  resume?: TrainingState | undefined;
  /** Images per forward pass when evaluating (default 1000). */
  evalBatchSize?: number | undefined;
  /**
   * Supplies batch (epoch, batch), both 0-based. Default: prepared here in JS. Batch k+1 is
   * requested before step k runs, so a worker-backed source prepares it in parallel.
   */
  batchSource?:
    | ((epoch: number, batch: number) => PreparedBatch | Promise<PreparedBatch>)
    | undefined;
  /**
   * Data-parallel workers (default 1 = train here): Node worker threads, or in a browser the
   * Web Workers `createWorker` starts. With N > 1 every batch is
   * split across N workers and their gradients averaged each step (see `WorkerPool` for what
   * that means for BatchNorm and Dropout); evaluation is split across them too. The model must
   * be a `Sequential` (workers rebuild it from its architecture).
   */
  workers?: number | undefined;
  /** The built worker entry (default: `parallel-worker.js` of this package's dist). */
  workerUrl?: URL | string | undefined;
  /** Starts data-parallel worker `index` (required in browsers; see `WorkerPoolOptions`). */
  createWorker?: WorkerPoolOptions['createWorker'];
}

export interface FitResult {
  status: 'completed' | 'aborted';
  history: EpochSummary[];
  /** Where training stopped; pass as `resume` to continue. */
  state: TrainingState;
}

/**
 * Trains `model` on `trainData` with PyTorch's loop: per batch forward, loss, backward,
 * `optimizer.step`, then (per-batch schedulers) `scheduler.step`; per epoch an evaluation on
 * `testData` and the per-epoch scheduler step. Same seed, same backend: the same losses, bit
 * for bit. A NaN/infinite loss stops training with a NON_FINITE_LOSS error before the update
 * (the weights stay as they were; BatchNorm's running statistics have already seen the batch).
 */
export async function fit(
  model: Module,
  trainData: ImageDataset,
  options: FitOptions,
): Promise<FitResult> {
  const { epochs, optimizer, scheduler, signal } = options;
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(epochs) && epochs > 0)) {
    throw new CoreError('BAD_ARGUMENT', `fit epochs: expected a positive integer, found ${epochs}`);
  }
  checkDataset(trainData, 'trainData');
  if (options.testData) checkDataset(options.testData, 'testData');
  const normalization = options.normalization ?? MNIST_NORMALIZATION;
  const batches = new TrainingBatches(trainData, {
    batchSize,
    seed,
    augment: options.augment,
    normalization,
  });
  const source = options.batchSource ?? ((e: number, b: number) => batches.prepare(e, b));
  const lossKind = options.loss ?? lossKindFor(model);
  const perBatch = batches.batchesPerEpoch;
  const workers = options.workers ?? 1;
  const monitor = options.monitor ?? (options.testData ? 'testLoss' : 'trainLoss');
  if (monitor.startsWith('test') && !options.testData) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `fit monitor: '${monitor}' needs testData, which is missing`,
    );
  }
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new CoreError('BAD_ARGUMENT', `fit workers: expected an integer >= 1, found ${workers}`);
  }

  let epoch = 0;
  let batch = 0;
  let step = 0;
  let partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
  const history: EpochSummary[] = [];
  if (options.resume) {
    const r = options.resume;
    checkResume(r, { batchSize, seed, epochs, hasScheduler: scheduler !== undefined });
    optimizer.loadStateDict(r.optimizer);
    if (scheduler && r.scheduler) scheduler.loadStateDict(r.scheduler);
    model.setRngState(r.modelRng);
    ({ epoch, batch, step } = r);
    partial = { ...r.partial };
    history.push(...r.history);
  }

  const state = (): TrainingState => ({
    epoch,
    batch,
    step,
    epochs,
    batchSize,
    seed,
    optimizer: optimizer.stateDict(),
    scheduler: scheduler ? scheduler.stateDict() : null,
    modelRng: model.getRngState(),
    partial: { ...partial },
    history: [...history],
  });
  const emit = async (event: FitEvent) => {
    await options.onEvent?.(event);
  };

  // Where each parameter sits in the flat arrays the optimizer updates (see Optimizer.stepFlat).
  const layout = flatLayout(model);
  const pool =
    workers > 1
      ? await WorkerPool.start(model, {
          workers,
          loss: lossKind,
          ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
          ...(options.createWorker ? { createWorker: options.createWorker } : {}),
        })
      : undefined;
  try {
    return await trainEpochs();
  } finally {
    await pool?.close();
  }

  async function trainEpochs(): Promise<FitResult> {
    model.train();
    while (epoch < epochs) {
      const epochStart = performance.now() - partial.seconds * 1000;
      let next: Promise<PreparedBatch> | undefined =
        batch < perBatch ? Promise.resolve(source(epoch, batch)) : undefined;
      for (; batch < perBatch; batch++) {
        if (signal?.aborted) {
          partial.seconds = (performance.now() - epochStart) / 1000;
          const saved = state();
          await options.onCheckpoint?.(saved, 'abort');
          await emit({ type: 'aborted', epoch: epoch + 1, batchesDone: batch });
          return { status: 'aborted', history: [...history], state: saved };
        }
        const prepared = await next!;
        // Workers start on this batch before the next one is prepared here, in parallel.
        const distributed = pool?.computeFlatGradients(model, prepared);
        next = batch + 1 < perBatch ? Promise.resolve(source(epoch, batch + 1)) : undefined;
        let result: Omit<GradientResult, 'grads'>;
        let update: () => void;
        let discard = () => {};
        if (distributed) {
          let flat: FlatGradientResult;
          try {
            flat = await distributed;
          } catch (error) {
            // The prefetch may still be pending; it must not reject unobserved.
            next?.catch(() => {});
            throw error;
          }
          result = flat;
          // The update in plain JS on the averaged flat gradients (no tensors in between).
          update = () => pool!.applyFlatGradients(model, optimizer, flat);
        } else {
          const { x, y } = batchToTensors(prepared);
          let local: GradientResult;
          try {
            local = computeGradients(model, x, y, { loss: lossKind });
          } finally {
            x.dispose();
            y.dispose();
          }
          result = local;
          update = () => applyGradientsFlat(model, optimizer, local.grads, layout);
          discard = () => disposeGradients(local.grads);
        }
        const lr = optimizer.lr;
        if (!Number.isFinite(result.loss)) {
          discard();
          throw new CoreError(
            'NON_FINITE_LOSS',
            `Training stopped: the loss became ${result.loss} at epoch ${epoch + 1}, batch ${batch + 1} (learning rate ${lr}). Lower the learning rate or check the input data.`,
          );
        }
        update();
        if (scheduler?.interval === 'batch') scheduler.step();
        step += 1;
        partial.lossSum += result.loss * result.size;
        partial.correct += result.correct;
        partial.seen += result.size;
        const elapsed = (performance.now() - epochStart) / 1000;
        await emit({
          type: 'batchEnd',
          epoch: epoch + 1,
          epochs,
          batch: batch + 1,
          batches: perBatch,
          step,
          size: result.size,
          loss: result.loss,
          accuracy: result.correct / result.size,
          epochLoss: partial.lossSum / partial.seen,
          epochAccuracy: partial.correct / partial.seen,
          lr,
          imagesPerSec: elapsed > 0 ? partial.seen / elapsed : 0,
        });
        await yieldToEventLoop();
      }

      const trainSeconds = (performance.now() - epochStart) / 1000;
      const test = options.testData
        ? await evaluate(model, options.testData, {
            batchSize: options.evalBatchSize,
            normalization,
            loss: lossKind,
            ...(pool ? { predictBatch: (b: PreparedBatch) => pool.predict(model, b) } : {}),
          })
        : undefined;
      const trainLoss = partial.lossSum / partial.seen;
      if (scheduler?.interval === 'epoch') {
        const metrics = {
          testLoss: test?.loss,
          testAccuracy: test?.accuracy,
          trainLoss,
          trainAccuracy: partial.correct / partial.seen,
        };
        scheduler.step(metrics[monitor]);
      }
      const summary: EpochSummary = {
        epoch: epoch + 1,
        trainLoss,
        trainAccuracy: partial.correct / partial.seen,
        ...(test ? { testLoss: test.loss, testAccuracy: test.accuracy } : {}),
        seconds: (performance.now() - epochStart) / 1000,
        trainSeconds,
        trainImagesPerSec: partial.seen / trainSeconds,
        lr: optimizer.lr,
      };
      history.push(summary);
      epoch += 1;
      batch = 0;
      partial = { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
      await emit({ type: 'epochEnd', epochs, ...summary, ...(test ? { test } : {}) });
      await options.onCheckpoint?.(state(), 'epoch');
    }
    return { status: 'completed', history: [...history], state: state() };
  }
}
