import { CoreError } from '../errors';
import {
  expectKind,
  type ScheduledOptimizer,
  type Scheduler,
  type SchedulerState,
} from './scheduler';

export interface StepLROptions {
  /** Epochs between two decays. */
  stepSize: number;
  /** Multiplicative decay. Default 0.1. */
  gamma?: number;
}

/**
 * PyTorch's `StepLR`: multiplies the learning rate by `gamma` every `stepSize` epochs. Like
 * PyTorch it uses the chainable form (`lr *= gamma` at each boundary), so the float values are
 * the ones PyTorch produces, not `base * gamma ** k`.
 */
export class StepLR implements Scheduler {
  readonly interval = 'epoch' as const;
  readonly stepSize: number;
  readonly gamma: number;
  readonly baseLr: number;
  lastEpoch = 0;
  readonly #optimizer: ScheduledOptimizer;

  constructor(optimizer: ScheduledOptimizer, options: StepLROptions) {
    if (!Number.isInteger(options.stepSize) || options.stepSize <= 0) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `StepLR: stepSize must be a positive integer, got ${options.stepSize}`,
      );
    }
    this.#optimizer = optimizer;
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.baseLr = optimizer.lr;
  }

  step(): void {
    this.lastEpoch += 1;
    if (this.lastEpoch % this.stepSize === 0) this.#optimizer.lr *= this.gamma;
  }

  getLastLr(): number {
    return this.#optimizer.lr;
  }

  stateDict(): SchedulerState {
    return {
      kind: 'StepLR',
      lastEpoch: this.lastEpoch,
      stepSize: this.stepSize,
      gamma: this.gamma,
      baseLr: this.baseLr,
    };
  }

  loadStateDict(state: SchedulerState): void {
    expectKind(state, 'StepLR');
    this.lastEpoch = Number(state.lastEpoch);
  }
}
