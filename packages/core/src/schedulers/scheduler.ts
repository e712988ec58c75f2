import { CoreError } from '../errors';

/**
 * What a scheduler needs from an optimizer: a settable learning rate and, for schedules that
 * cycle momentum (OneCycleLR), either SGD's `momentum` or Adam's `betas` (the first is cycled).
 */
export interface ScheduledOptimizer {
  lr: number;
  momentum?: number;
  betas?: readonly [number, number];
}

/** A scheduler's state as plain JSON, saved in a checkpoint's `training` object. */
export type SchedulerState = { kind: string } & Record<string, number | string | boolean | null>;

/**
 * A learning-rate scheduler with PyTorch semantics. `interval` tells `fit` when to call `step`:
 * after every optimizer step (`'batch'`, e.g. OneCycleLR) or once per epoch (`'epoch'`).
 * ReduceLROnPlateau's `step` takes the monitored metric; the others ignore the argument.
 */
export interface Scheduler {
  readonly interval: 'batch' | 'epoch';
  step(metric?: number): void;
  /** The learning rate the scheduler set last (PyTorch's `get_last_lr()[0]`). */
  getLastLr(): number;
  stateDict(): SchedulerState;
  loadStateDict(state: SchedulerState): void;
}

/** Throws unless a saved scheduler state belongs to the scheduler it is loaded into. */
export function expectKind(state: SchedulerState, kind: string): void {
  if (state.kind !== kind) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `loadStateDict: expected a ${kind} state, found a ${String(state.kind)} state`,
    );
  }
}
