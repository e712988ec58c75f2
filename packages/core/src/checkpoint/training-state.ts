import type { tf } from '../backend';
import { MNIST_NORMALIZATION, type Normalization } from '../data/normalization';
import { CoreError } from '../errors';
import type { Module } from '../nn/module';
import type { Hyperparams, Optimizer, OptimizerState } from '../optim/optimizer';
import type { Scheduler, SchedulerState } from '../schedulers/scheduler';
import {
  type CheckpointContent,
  type DecodeOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
} from './checkpoint';

/** Version of the `training` object in model.json, bumped on incompatible changes. */
export const TRAINING_STATE_VERSION = 1;
const OPTIMIZER_PREFIX = 'optimizer.';

/** One epoch's results (also the entries of `FitResult.history`). */
export interface EpochSummary {
  epoch: number;
  /** Mean training loss per image over the epoch (with augmentation and dropout active). */
  trainLoss: number;
  trainAccuracy: number;
  testLoss?: number;
  testAccuracy?: number;
  /** Wall time of the epoch's training steps plus its evaluation. */
  seconds: number;
  /** Wall time of the training steps alone, and the training throughput it gives. */
  trainSeconds: number;
  trainImagesPerSec: number;
  /** Learning rate at the end of the epoch (after the scheduler's step). */
  lr: number;
}

/**
 * Everything that, with the model's weights and buffers, continues a run exactly: where it is,
 * the optimizer's and scheduler's state, the model's RNG states and the running epoch totals.
 * Data order and augmentation derive from (seed, epoch, batch), so they need no saved state.
 */
export interface TrainingState {
  /** Epoch in progress (0-based) and the next batch in it; after E full epochs: E and 0. */
  epoch: number;
  batch: number;
  /** Optimizer steps taken so far. */
  step: number;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Its tensors are the optimizer's live state variables: save them before disposing it. */
  optimizer: OptimizerState;
  scheduler: SchedulerState | null;
  /** The model's generators (Dropout masks), from `model.getRngState()`. */
  modelRng: Record<string, number>;
  /** Totals of the epoch in progress. */
  partial: { lossSum: number; correct: number; seen: number; seconds: number };
  history: EpochSummary[];
}

/**
 * Throws unless `state` was saved by a run with these settings: a resumed run must draw the same
 * batches (seed, batchSize), run to the same end (epochs) and have the same kind of scheduler.
 */
export function checkResume(
  state: TrainingState,
  run: { batchSize: number; seed: number; epochs: number; hasScheduler: boolean },
): void {
  for (const key of ['batchSize', 'seed', 'epochs'] as const) {
    if (state[key] !== run[key]) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `fit resume: the saved run has ${key} ${state[key]} but this one has ${run[key]}; resume with the same settings`,
      );
    }
  }
  if (run.hasScheduler === (state.scheduler === null)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `fit resume: the saved run ${state.scheduler ? `has a ${state.scheduler.kind} scheduler` : 'has no scheduler'} but this one ${run.hasScheduler ? 'has one' : 'has none'}; resume with the same settings`,
    );
  }
}

/** Where a run stands: what a `TrainingState` holds besides the optimizer's, scheduler's and model's states. */
export type Progress = Pick<TrainingState, 'epoch' | 'batch' | 'step' | 'partial' | 'history'>;

/** What, with a `Progress`, makes a `TrainingState`. */
export interface TrainingParts {
  epochs: number;
  batchSize: number;
  seed: number;
  model: Module;
  optimizer: Optimizer;
  scheduler?: Scheduler | undefined;
}

/** The progress of a run that has not started. */
export function startProgress(): Progress {
  return { epoch: 0, batch: 0, step: 0, partial: emptyTotals(), history: [] };
}

/** The epoch totals before the epoch's first batch. */
export function emptyTotals(): TrainingState['partial'] {
  return { lossSum: 0, correct: 0, seen: 0, seconds: 0 };
}

/**
 * Continues a saved run: checks that it was saved with these settings (`checkResume`), loads
 * the optimizer's, scheduler's and model's states from it and returns where it stood.
 */
export function resumeProgress(state: TrainingState, parts: TrainingParts): Progress {
  checkResume(state, { ...parts, hasScheduler: parts.scheduler !== undefined });
  parts.optimizer.loadStateDict(state.optimizer);
  if (parts.scheduler && state.scheduler) parts.scheduler.loadStateDict(state.scheduler);
  parts.model.setRngState(state.modelRng);
  const { epoch, batch, step } = state;
  return { epoch, batch, step, partial: { ...state.partial }, history: [...state.history] };
}

/** A resumable snapshot of a run (see `TrainingState`). */
export function trainingState(at: Progress, parts: TrainingParts): TrainingState {
  return {
    epoch: at.epoch,
    batch: at.batch,
    step: at.step,
    epochs: parts.epochs,
    batchSize: parts.batchSize,
    seed: parts.seed,
    optimizer: parts.optimizer.stateDict(),
    scheduler: parts.scheduler ? parts.scheduler.stateDict() : null,
    modelRng: parts.model.getRngState(),
    partial: { ...at.partial },
    history: [...at.history],
  };
}

/**
 * Splits a `TrainingState` into the checkpoint's JSON `training` object and its extra tensors
 * (the optimizer's, named `optimizer.<parameter>.<slot>`, e.g. `optimizer.0.weight.exp_avg`).
 */
export function trainingStateToCheckpoint(
  state: TrainingState,
): Required<Pick<CheckpointContent, 'training' | 'extraTensors'>> {
  const extraTensors = new Map<string, tf.Tensor>();
  for (const [name, t] of state.optimizer.tensors) extraTensors.set(OPTIMIZER_PREFIX + name, t);
  const { optimizer, ...rest } = state;
  return {
    training: {
      version: TRAINING_STATE_VERSION,
      ...rest,
      optimizer: {
        kind: optimizer.kind,
        hyperparams: optimizer.hyperparams,
        steps: optimizer.steps,
      },
    },
    extraTensors,
  };
}

/** Rebuilds a `TrainingState` from a checkpoint's `training` object and extra tensors. */
export function trainingStateFromCheckpoint(
  training: Record<string, unknown> | undefined,
  extraTensors: Map<string, tf.Tensor>,
  source = 'checkpoint',
): TrainingState {
  const bad = (what: string): never => {
    throw new CoreError(
      'BAD_CHECKPOINT',
      `${source}: model.json "training" ${what}; it cannot resume training`,
    );
  };
  if (!training) return bad('is missing');
  if (training.version !== TRAINING_STATE_VERSION) {
    bad(`has version ${JSON.stringify(training.version)}, expected ${TRAINING_STATE_VERSION}`);
  }
  for (const key of ['epoch', 'batch', 'step', 'epochs', 'batchSize', 'seed'] as const) {
    if (!Number.isInteger(training[key])) bad(`field "${key}" should be an integer`);
  }
  const optimizer = training.optimizer as
    | { kind?: unknown; hyperparams?: unknown; steps?: unknown }
    | undefined;
  if (typeof optimizer?.kind !== 'string' || typeof optimizer.hyperparams !== 'object') {
    bad('field "optimizer" should hold kind, hyperparams and steps');
  }
  const partial = training.partial as TrainingState['partial'] | undefined;
  if (typeof partial?.seen !== 'number') bad('field "partial" should hold the epoch totals');
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, t] of extraTensors) {
    if (name.startsWith(OPTIMIZER_PREFIX)) tensors.set(name.slice(OPTIMIZER_PREFIX.length), t);
  }
  return {
    epoch: training.epoch as number,
    batch: training.batch as number,
    step: training.step as number,
    epochs: training.epochs as number,
    batchSize: training.batchSize as number,
    seed: training.seed as number,
    optimizer: {
      kind: optimizer!.kind as string,
      hyperparams: optimizer!.hyperparams as Hyperparams,
      steps: (optimizer!.steps ?? {}) as Record<string, number>,
      tensors,
    },
    scheduler: (training.scheduler ?? null) as SchedulerState | null,
    modelRng: (training.modelRng ?? {}) as Record<string, number>,
    partial: partial!,
    history: (training.history ?? []) as EpochSummary[],
  };
}

/**
 * Saves the model and a resumable training state as one checkpoint folder, atomically (see
 * `saveCheckpoint`). Meant for `fit`'s `onCheckpoint`. Node only.
 */
export async function saveTrainingCheckpoint(
  dir: string,
  model: Module,
  state: TrainingState,
  options: { normalization?: Normalization; metadata?: Record<string, unknown> } = {},
): Promise<void> {
  await saveCheckpoint(dir, model, {
    normalization: options.normalization ?? MNIST_NORMALIZATION,
    ...trainingStateToCheckpoint(state),
    ...(options.metadata ? { metadata: options.metadata } : {}),
  });
}

export interface LoadedTrainingCheckpoint extends LoadedCheckpoint {
  /** Pass as `fit`'s `resume`; call `dispose()` once fit has loaded it. */
  state: TrainingState;
  /** Frees the optimizer tensors read from the checkpoint. */
  dispose(): void;
}

/** Reads a checkpoint saved by `saveTrainingCheckpoint` (weights into `options.model` if given). */
export async function loadTrainingCheckpoint(
  dir: string,
  options: DecodeOptions = {},
): Promise<LoadedTrainingCheckpoint> {
  const loaded = await loadCheckpoint(dir, options);
  let state: TrainingState;
  try {
    state = trainingStateFromCheckpoint(loaded.training, loaded.extraTensors, dir);
  } catch (error) {
    for (const t of loaded.extraTensors.values()) t.dispose();
    throw error;
  }
  return {
    ...loaded,
    state,
    dispose: () => {
      for (const t of loaded.extraTensors.values()) t.dispose();
    },
  };
}
