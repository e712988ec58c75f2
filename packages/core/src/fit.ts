import {
  type EpochSummary,
  emptyTotals,
  type Progress,
  resumeProgress,
  startProgress,
  type TrainingState,
  trainingState,
} from './checkpoint/training-state';
import type { AugmentOptions } from './data/augmentation';
import { type PreparedBatch, TrainingBatches } from './data/batches';
import { checkDataset, type ImageDataset } from './data/dataset';
import { MNIST_NORMALIZATION, type Normalization } from './data/normalization';
import { CoreError } from './errors';
import { type Evaluation, evaluate } from './evaluate';
import { checkLabelSmoothing, type LossKind } from './losses';
import type { Module } from './nn/module';
import type { Optimizer } from './optim/optimizer';
import { WorkerPool, type WorkerPoolOptions } from './parallel/worker-pool';
import type { Scheduler } from './schedulers/scheduler';
import { localStepper, type Stepper, type StepResult } from './stepper';
import { lossKindFor } from './train-step';
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
  /**
   * ε in [0, 1): the training loss's targets become (1 − ε)·one-hot + ε/classes (PyTorch's
   * `label_smoothing`); the reported test loss stays the plain one. Default 0.
   */
  labelSmoothing?: number | undefined;
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
  const { optimizer, scheduler, signal } = options;
  const run = fitSettings(model, trainData, options);
  const at = options.resume
    ? resumeProgress(options.resume, { ...run, model, optimizer, scheduler })
    : startProgress();
  const state = () => trainingState(at, { ...run, model, optimizer, scheduler });
  const emit = async (event: FitEvent) => {
    await options.onEvent?.(event);
  };
  const stepper = await startStepper(model, options, run);
  try {
    model.train();
    while (at.epoch < run.epochs) {
      const started = performance.now() - at.partial.seconds * 1000;
      const seconds = () => (performance.now() - started) / 1000;
      const request = (b: number) =>
        b < run.batches ? Promise.resolve(run.source(at.epoch, b)) : undefined;
      let next = request(at.batch);
      for (; at.batch < run.batches; at.batch++) {
        if (signal?.aborted) {
          at.partial.seconds = seconds();
          const saved = state();
          await options.onCheckpoint?.(saved, 'abort');
          await emit({ type: 'aborted', epoch: at.epoch + 1, batchesDone: at.batch });
          return { status: 'aborted', history: [...at.history], state: saved };
        }
        const stepping = stepper.step(await next!);
        next = request(at.batch + 1);
        // On failure the prefetch may still be pending; it must not reject unobserved.
        const result = await stepping.catch((error: unknown) => {
          next?.catch(() => {});
          throw error;
        });
        const lr = optimizer.lr;
        if (!Number.isFinite(result.loss)) throw nonFiniteLoss(result.loss, at, lr);
        if (scheduler?.interval === 'batch') scheduler.step();
        await emit(recordStep(at, result, { ...run, lr, seconds: seconds() }));
        await yieldToEventLoop();
      }
      const trainSeconds = seconds();
      const test = options.testData
        ? await evaluate(model, options.testData, {
            batchSize: options.evalBatchSize,
            normalization: run.normalization,
            loss: run.loss,
            ...(stepper.predict ? { predictBatch: stepper.predict } : {}),
          })
        : undefined;
      const summary = endEpoch(at, {
        test,
        trainSeconds,
        seconds,
        monitor: run.monitor,
        optimizer,
        scheduler,
      });
      await emit({ type: 'epochEnd', epochs: run.epochs, ...summary, ...(test ? { test } : {}) });
      await options.onCheckpoint?.(state(), 'epoch');
    }
    return { status: 'completed', history: [...at.history], state: state() };
  } finally {
    await stepper.close();
  }
}

/** `FitOptions` with defaults applied and checked, and what they give. */
interface FitSettings {
  epochs: number;
  batchSize: number;
  seed: number;
  normalization: Normalization;
  loss: LossKind;
  labelSmoothing: number;
  /** Batches per epoch. */
  batches: number;
  workers: number;
  monitor: NonNullable<FitOptions['monitor']>;
  source: (epoch: number, batch: number) => PreparedBatch | Promise<PreparedBatch>;
}

function fitSettings(model: Module, trainData: ImageDataset, options: FitOptions): FitSettings {
  const { epochs } = options;
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
  const loss = options.loss ?? lossKindFor(model);
  const labelSmoothing = checkLabelSmoothing(options.labelSmoothing, 'fit labelSmoothing');
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
  const perEpoch = batches.batchesPerEpoch;
  return {
    epochs,
    batchSize,
    seed,
    normalization,
    loss,
    labelSmoothing,
    batches: perEpoch,
    workers,
    monitor,
    source,
  };
}

/** Steps on this thread, or across a pool of data-parallel workers started here. */
async function startStepper(
  model: Module,
  options: FitOptions,
  run: FitSettings,
): Promise<Stepper> {
  if (run.workers === 1)
    return localStepper(model, options.optimizer, run.loss, run.labelSmoothing);
  const pool = await WorkerPool.start(model, {
    workers: run.workers,
    loss: run.loss,
    labelSmoothing: run.labelSmoothing,
    ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    ...(options.createWorker ? { createWorker: options.createWorker } : {}),
  });
  return pool.stepper(model, options.optimizer);
}

function nonFiniteLoss(loss: number, at: Progress, lr: number): CoreError {
  return new CoreError(
    'NON_FINITE_LOSS',
    `Training stopped: the loss became ${loss} at epoch ${at.epoch + 1}, batch ${at.batch + 1} (learning rate ${lr}). Lower the learning rate or check the input data.`,
  );
}

/** Counts a finished step into the epoch's totals; the event that reports it. */
function recordStep(
  at: Progress,
  result: StepResult,
  run: { epochs: number; batches: number; lr: number; seconds: number },
): BatchEndEvent {
  at.step += 1;
  at.partial.lossSum += result.loss * result.size;
  at.partial.correct += result.correct;
  at.partial.seen += result.size;
  return {
    type: 'batchEnd',
    epoch: at.epoch + 1,
    epochs: run.epochs,
    batch: at.batch + 1,
    batches: run.batches,
    step: at.step,
    size: result.size,
    loss: result.loss,
    accuracy: result.correct / result.size,
    epochLoss: at.partial.lossSum / at.partial.seen,
    epochAccuracy: at.partial.correct / at.partial.seen,
    lr: run.lr,
    imagesPerSec: run.seconds > 0 ? at.partial.seen / run.seconds : 0,
  };
}

/** Closes an epoch: the epoch scheduler's step, its summary into the history, the next epoch. */
function endEpoch(
  at: Progress,
  epoch: {
    test: Evaluation | undefined;
    trainSeconds: number;
    seconds: () => number;
    monitor: FitSettings['monitor'];
    optimizer: Optimizer;
    scheduler: Scheduler | undefined;
  },
): EpochSummary {
  const { test, trainSeconds, scheduler } = epoch;
  const trainLoss = at.partial.lossSum / at.partial.seen;
  const trainAccuracy = at.partial.correct / at.partial.seen;
  if (scheduler?.interval === 'epoch') {
    const metrics = {
      testLoss: test?.loss,
      testAccuracy: test?.accuracy,
      trainLoss,
      trainAccuracy,
    };
    scheduler.step(metrics[epoch.monitor]);
  }
  const summary: EpochSummary = {
    epoch: at.epoch + 1,
    trainLoss,
    trainAccuracy,
    ...(test ? { testLoss: test.loss, testAccuracy: test.accuracy } : {}),
    seconds: epoch.seconds(),
    trainSeconds,
    trainImagesPerSec: at.partial.seen / trainSeconds,
    lr: epoch.optimizer.lr,
  };
  at.history.push(summary);
  at.epoch += 1;
  at.batch = 0;
  at.partial = emptyTotals();
  return summary;
}
