import { CoreError } from '../errors';
import {
  expectKind,
  type ScheduledOptimizer,
  type Scheduler,
  type SchedulerState,
} from './scheduler';

export interface OneCycleLROptions {
  maxLr: number;
  /** Total optimizer steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the learning rate. Default 0.3. */
  pctStart?: number;
  /** Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD) or beta1 (Adam) inversely to the learning rate. Default true. */
  cycleMomentum?: boolean;
  /** Default 0.85. */
  baseMomentum?: number;
  /** Default 0.95. */
  maxMomentum?: number;
  /** initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** min lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** The original paper's schedule: up, symmetric down, then annihilate. Default false. */
  threePhase?: boolean;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

/**
 * PyTorch's `OneCycleLR` (the fastai 1cycle policy), stepped after every batch. Constructing it
 * sets the optimizer's lr to `maxLr / divFactor` and its momentum (or beta1) to `maxMomentum`,
 * as PyTorch does; note this turns momentum on for an SGD built with `momentum: 0`.
 * Phase boundaries and annealing are PyTorch's, so the lr sequence matches it step for step.
 */
export class OneCycleLR implements Scheduler {
  readonly interval = 'batch' as const;
  readonly totalSteps: number;
  readonly initialLr: number;
  readonly maxLr: number;
  readonly minLr: number;
  readonly baseMomentum: number;
  readonly maxMomentum: number;
  readonly cycleMomentum: boolean;
  readonly annealStrategy: 'cos' | 'linear';
  lastEpoch = 0;
  readonly #phases: Phase[];
  readonly #optimizer: ScheduledOptimizer;
  readonly #momentumKey: 'momentum' | 'betas' | null;

  constructor(optimizer: ScheduledOptimizer, options: OneCycleLROptions) {
    this.#optimizer = optimizer;
    this.totalSteps = resolveTotalSteps(options);
    const pctStart = options.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `OneCycleLR: pctStart must be between 0 and 1, got ${pctStart}`,
      );
    }
    this.annealStrategy = options.annealStrategy ?? 'cos';
    if (this.annealStrategy !== 'cos' && this.annealStrategy !== 'linear') {
      throw new CoreError(
        'BAD_ARGUMENT',
        `OneCycleLR: annealStrategy must be 'cos' or 'linear', got '${String(this.annealStrategy)}'`,
      );
    }
    if (!(options.maxLr > 0)) {
      throw new CoreError('BAD_ARGUMENT', `OneCycleLR: maxLr must be > 0, got ${options.maxLr}`);
    }
    const total = this.totalSteps;
    this.#phases = options.threePhase
      ? [
          phase(pctStart * total - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(2 * pctStart * total - 2, 'maxLr', 'initialLr', 'baseMomentum', 'maxMomentum'),
          phase(total - 1, 'initialLr', 'minLr', 'maxMomentum', 'maxMomentum'),
        ]
      : [
          phase(pctStart * total - 1, 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(total - 1, 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum'),
        ];
    this.maxLr = options.maxLr;
    this.initialLr = options.maxLr / (options.divFactor ?? 25);
    this.minLr = this.initialLr / (options.finalDivFactor ?? 1e4);
    this.cycleMomentum = options.cycleMomentum ?? true;
    this.baseMomentum = options.baseMomentum ?? 0.85;
    this.maxMomentum = options.maxMomentum ?? 0.95;
    if (!this.cycleMomentum) this.#momentumKey = null;
    else if (optimizer.betas !== undefined) this.#momentumKey = 'betas';
    else if (optimizer.momentum !== undefined) this.#momentumKey = 'momentum';
    else {
      throw new CoreError(
        'BAD_ARGUMENT',
        'OneCycleLR: cycleMomentum needs an optimizer with momentum (SGD) or betas (Adam); ' +
          'pass cycleMomentum: false',
      );
    }
    this.#apply();
  }

  step(): void {
    this.lastEpoch += 1;
    this.#apply();
  }

  getLastLr(): number {
    return this.#optimizer.lr;
  }

  /** The learning rate and momentum PyTorch computes at a given step (0 = before any step). */
  valuesAt(stepNum: number): { lr: number; momentum: number } {
    if (stepNum > this.totalSteps) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `OneCycleLR: tried to step ${stepNum} times; the specified number of total steps is ${this.totalSteps}`,
      );
    }
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    let startStep = 0;
    for (let i = 0; i < this.#phases.length; i++) {
      const p = this.#phases[i]!;
      if (stepNum <= p.endStep || i === this.#phases.length - 1) {
        const pct = (stepNum - startStep) / (p.endStep - startStep);
        return {
          lr: anneal(this[p.startLr], this[p.endLr], pct),
          momentum: anneal(this[p.startMomentum], this[p.endMomentum], pct),
        };
      }
      startStep = p.endStep;
    }
    throw new Error('unreachable: OneCycleLR has at least one phase');
  }

  #apply(): void {
    const { lr, momentum } = this.valuesAt(this.lastEpoch);
    this.#optimizer.lr = lr;
    if (this.#momentumKey === 'momentum') this.#optimizer.momentum = momentum;
    else if (this.#momentumKey === 'betas') {
      this.#optimizer.betas = [momentum, this.#optimizer.betas![1]];
    }
  }

  stateDict(): SchedulerState {
    return {
      kind: 'OneCycleLR',
      lastEpoch: this.lastEpoch,
      totalSteps: this.totalSteps,
      maxLr: this.maxLr,
      initialLr: this.initialLr,
      minLr: this.minLr,
    };
  }

  loadStateDict(state: SchedulerState): void {
    expectKind(state, 'OneCycleLR');
    if (state.totalSteps !== this.totalSteps) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `OneCycleLR.loadStateDict: the saved schedule has totalSteps ${String(state.totalSteps)}, this one ${this.totalSteps}`,
      );
    }
    this.lastEpoch = Number(state.lastEpoch);
    this.#apply();
  }
}

function phase(
  endStep: number,
  startLr: LrKey,
  endLr: LrKey,
  startMomentum: MomentumKey,
  endMomentum: MomentumKey,
): Phase {
  return { endStep, startLr, endLr, startMomentum, endMomentum };
}

function resolveTotalSteps(options: OneCycleLROptions): number {
  const { totalSteps, epochs, stepsPerEpoch } = options;
  if (totalSteps !== undefined) {
    if (!Number.isInteger(totalSteps) || totalSteps <= 0) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `OneCycleLR: totalSteps must be a positive integer, got ${totalSteps}`,
      );
    }
    return totalSteps;
  }
  if (epochs !== undefined && stepsPerEpoch !== undefined) {
    for (const [name, value] of [
      ['epochs', epochs],
      ['stepsPerEpoch', stepsPerEpoch],
    ] as const) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new CoreError(
          'BAD_ARGUMENT',
          `OneCycleLR: ${name} must be a positive integer, got ${value}`,
        );
      }
    }
    return epochs * stepsPerEpoch;
  }
  throw new CoreError(
    'BAD_ARGUMENT',
    'OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch',
  );
}

/** Cosine anneal from `start` to `end` as pct goes from 0 to 1 (PyTorch's `_annealing_cos`). */
function annealCos(start: number, end: number, pct: number): number {
  const cosOut = Math.cos(Math.PI * pct) + 1;
  return end + ((start - end) / 2.0) * cosOut;
}

function annealLinear(start: number, end: number, pct: number): number {
  return (end - start) * pct + start;
}
