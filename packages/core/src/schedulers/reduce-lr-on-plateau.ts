import { CoreError } from '../errors';
import {
  expectKind,
  type ScheduledOptimizer,
  type Scheduler,
  type SchedulerState,
} from './scheduler';

export interface ReduceLROnPlateauOptions {
  /** 'min': lower metric is better (a loss); 'max': higher is better (accuracy). Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr * factor. Must be < 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr. Default 0. */
  minLr?: number;
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/**
 * PyTorch's `ReduceLROnPlateau`: call `step(metric)` once per epoch with the monitored value
 * (`fit` passes the test loss, or the train loss without test data).
 */
export class ReduceLROnPlateau implements Scheduler {
  readonly interval = 'epoch' as const;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  readonly #optimizer: ScheduledOptimizer;

  constructor(optimizer: ScheduledOptimizer, options: ReduceLROnPlateauOptions = {}) {
    this.#optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    this.eps = options.eps ?? 1e-8;
    if (!(this.factor < 1)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `ReduceLROnPlateau: factor must be < 1, got ${this.factor}`,
      );
    }
    if (this.mode !== 'min' && this.mode !== 'max') {
      throw new CoreError(
        'BAD_ARGUMENT',
        `ReduceLROnPlateau: mode must be 'min' or 'max', got '${String(this.mode)}'`,
      );
    }
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new CoreError(
        'BAD_ARGUMENT',
        `ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`,
      );
    }
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  step(metric?: number): void {
    if (metric === undefined || Number.isNaN(metric)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `ReduceLROnPlateau.step: expected the monitored metric as a number, got ${metric}`,
      );
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      const oldLr = this.#optimizer.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLr);
      if (oldLr - newLr > this.eps) this.#optimizer.lr = newLr;
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  isBetter(value: number, best: number): boolean {
    if (this.mode === 'min') {
      return this.thresholdMode === 'rel'
        ? value < best * (1 - this.threshold)
        : value < best - this.threshold;
    }
    return this.thresholdMode === 'rel'
      ? value > best * (this.threshold + 1)
      : value > best + this.threshold;
  }

  getLastLr(): number {
    return this.#optimizer.lr;
  }

  stateDict(): SchedulerState {
    return {
      kind: 'ReduceLROnPlateau',
      lastEpoch: this.lastEpoch,
      // JSON has no Infinity: an untouched best is saved as null.
      best: Number.isFinite(this.best) ? this.best : null,
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
    };
  }

  loadStateDict(state: SchedulerState): void {
    expectKind(state, 'ReduceLROnPlateau');
    this.lastEpoch = Number(state.lastEpoch);
    this.best =
      state.best === null
        ? this.mode === 'min'
          ? Number.POSITIVE_INFINITY
          : Number.NEGATIVE_INFINITY
        : Number(state.best);
    this.numBadEpochs = Number(state.numBadEpochs);
    this.cooldownCounter = Number(state.cooldownCounter);
  }
}
