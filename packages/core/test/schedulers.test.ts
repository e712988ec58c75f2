import { describe, expect, it } from 'vitest';
import { CoreError } from '../src/errors';
import { OneCycleLR } from '../src/schedulers/one-cycle';
import { ReduceLROnPlateau } from '../src/schedulers/reduce-lr-on-plateau';
import type { ScheduledOptimizer } from '../src/schedulers/scheduler';
import { StepLR } from '../src/schedulers/step-lr';
import { torchReference } from './torch-reference';

// Schedulers only touch numbers, so a plain object stands in for the optimizer's lr/momentum.
function sgdLike(lr: number): ScheduledOptimizer {
  return { lr, momentum: 0.9 };
}

describe('OneCycleLR matches torch.optim.lr_scheduler.OneCycleLR', () => {
  for (const [name, ref] of Object.entries(torchReference.oneCycle)) {
    it(name, () => {
      const k = ref.kwargs;
      const opt: ScheduledOptimizer = ref.useAdam
        ? { lr: 1e-3, betas: [0.9, 0.999] }
        : { lr: 0.1, momentum: 0.9 };
      const sched = new OneCycleLR(opt, {
        maxLr: k.max_lr as number,
        totalSteps: ref.totalSteps,
        pctStart: k.pct_start as number | undefined,
        annealStrategy: k.anneal_strategy as 'cos' | 'linear' | undefined,
        threePhase: k.three_phase as boolean | undefined,
        divFactor: k.div_factor as number | undefined,
        finalDivFactor: k.final_div_factor as number | undefined,
        baseMomentum: k.base_momentum as number | undefined,
        maxMomentum: k.max_momentum as number | undefined,
      });
      const byStep = new Map(ref.rows.map(([step, lr, m]) => [step, [lr, m] as const]));
      let checked = 0;
      for (let step = 0; step < ref.totalSteps; step++) {
        const expected = byStep.get(step);
        if (expected) {
          expect(opt.lr).toBeCloseTo(expected[0], 14);
          expect(ref.useAdam ? opt.betas![0] : opt.momentum!).toBeCloseTo(expected[1], 14);
          checked++;
        }
        sched.step();
      }
      expect(checked).toBe(ref.rows.length);
    });
  }

  it('peaks at maxLr where pctStart ends and ends at maxLr / divFactor / finalDivFactor', () => {
    const opt = sgdLike(0.1);
    const total = 15 * 469;
    const sched = new OneCycleLR(opt, { maxLr: 0.2, totalSteps: total });
    const lrs: number[] = [opt.lr];
    for (let i = 1; i < total; i++) {
      sched.step();
      lrs.push(opt.lr);
    }
    const peak = Math.max(...lrs);
    // The warm-up phase ends at step 0.3·total − 1 = 2109.5, so the peak is one of its neighbours.
    expect([2109, 2110]).toContain(lrs.indexOf(peak));
    expect(peak).toBeCloseTo(0.2, 6);
    expect(peak).toBeLessThanOrEqual(0.2);
    expect(lrs.at(-1)).toBeCloseTo(0.2 / 25 / 1e4, 14);
  });

  it('refuses to step past totalSteps, like PyTorch', () => {
    const sched = new OneCycleLR(sgdLike(0.1), { maxLr: 0.1, epochs: 2, stepsPerEpoch: 3 });
    for (let i = 0; i < 6; i++) sched.step();
    expect(() => sched.step()).toThrow(/tried to step 7 times.*total steps is 6/);
  });

  it('resumes from its state dict', () => {
    const a = sgdLike(0.1);
    const straight = new OneCycleLR(a, { maxLr: 0.2, totalSteps: 40 });
    for (let i = 0; i < 17; i++) straight.step();
    const b = sgdLike(0.1);
    const resumed = new OneCycleLR(b, { maxLr: 0.2, totalSteps: 40 });
    resumed.loadStateDict(JSON.parse(JSON.stringify(straight.stateDict())));
    expect([b.lr, b.momentum]).toEqual([a.lr, a.momentum]);
  });

  it('rejects bad arguments with typed errors', () => {
    expect(() => new OneCycleLR(sgdLike(0.1), { maxLr: 0.1 })).toThrow(CoreError);
    expect(() => new OneCycleLR(sgdLike(0.1), { maxLr: 0.1, totalSteps: 10, pctStart: 2 })).toThrow(
      /pctStart must be between 0 and 1, got 2/,
    );
    expect(() => new OneCycleLR({ lr: 0.1 }, { maxLr: 0.1, totalSteps: 10 })).toThrow(
      /cycleMomentum/,
    );
  });
});

describe('StepLR matches torch', () => {
  for (const [name, ref] of Object.entries(torchReference.stepLR)) {
    it(name, () => {
      const opt = sgdLike(ref.lr);
      const sched = new StepLR(opt, { stepSize: ref.kwargs.step_size, gamma: ref.kwargs.gamma });
      const lrs: number[] = [];
      for (let i = 0; i < ref.lrs.length; i++) {
        lrs.push(opt.lr);
        sched.step();
      }
      // The chainable form reproduces PyTorch's floats exactly.
      expect(lrs).toEqual(ref.lrs);
    });
  }
});

describe('ReduceLROnPlateau matches torch', () => {
  for (const [name, ref] of Object.entries(torchReference.plateau)) {
    it(name, () => {
      const k = ref.kwargs;
      const opt = sgdLike(ref.lr);
      const sched = new ReduceLROnPlateau(opt, {
        mode: k.mode as 'min' | 'max',
        factor: k.factor as number,
        patience: k.patience as number,
        threshold: k.threshold as number | undefined,
        thresholdMode: k.threshold_mode as 'rel' | 'abs' | undefined,
        cooldown: k.cooldown as number | undefined,
        minLr: k.min_lr as number | undefined,
      });
      const lrs = ref.metrics.map((m) => {
        sched.step(m);
        return opt.lr;
      });
      expect(lrs).toEqual(ref.lrs);
      expect(new Set(lrs).size).toBeGreaterThan(1);
    });
  }

  it('resumes mid-patience from its JSON state', () => {
    const ref = torchReference.plateau.min_abs_cooldown!;
    const opts = {
      mode: 'min',
      factor: 0.1,
      patience: 1,
      threshold: 0.05,
      thresholdMode: 'abs',
      cooldown: 2,
      minLr: 0.002,
    } as const;
    const first = sgdLike(1);
    const a = new ReduceLROnPlateau(first, opts);
    for (const m of ref.metrics.slice(0, 5)) a.step(m);
    const second = sgdLike(first.lr);
    const b = new ReduceLROnPlateau(second, opts);
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    const rest = ref.metrics.slice(5).map((m) => {
      b.step(m);
      return second.lr;
    });
    expect(rest).toEqual(ref.lrs.slice(5));
  });

  it('names a bad factor and a missing metric', () => {
    expect(() => new ReduceLROnPlateau(sgdLike(1), { factor: 1 })).toThrow(
      /factor must be < 1, got 1/,
    );
    expect(() => new ReduceLROnPlateau(sgdLike(1)).step()).toThrow(/monitored metric/);
  });
});
