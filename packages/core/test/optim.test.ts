import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { CoreError } from '../src/errors';
import { Adam } from '../src/optim/adam';
import { AdamW } from '../src/optim/adamw';
import type { Optimizer } from '../src/optim/optimizer';
import { SGD } from '../src/optim/sgd';
import { OneCycleLR } from '../src/schedulers/one-cycle';
import type { Scheduler } from '../src/schedulers/scheduler';
import { type OptimizerCase, torchReference } from './torch-reference';

type Factory = (params: Array<[string, tf.Variable]>) => {
  optimizer: Optimizer;
  scheduler?: Scheduler;
};

// The same hyperparameters as fixtures/torch-reference.py.
const cases: Record<string, Factory> = {
  sgd_plain: (ps) => ({ optimizer: new SGD(ps, { lr: 0.1 }) }),
  sgd_momentum_dampening_wd: (ps) => ({
    optimizer: new SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
  }),
  sgd_nesterov_wd: (ps) => ({
    optimizer: new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }),
  }),
  adam_default: (ps) => ({ optimizer: new Adam(ps, { lr: 0.01 }) }),
  adam_wd_amsgrad: (ps) => ({
    optimizer: new Adam(ps, {
      lr: 0.02,
      betas: [0.8, 0.99],
      eps: 1e-6,
      weightDecay: 0.1,
      amsgrad: true,
    }),
  }),
  adamw: (ps) => ({ optimizer: new AdamW(ps, { lr: 0.01, weightDecay: 0.1 }) }),
  sgd_nesterov_onecycle: (ps) => {
    const optimizer = new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    return { optimizer, scheduler: new OneCycleLR(optimizer, { maxLr: 0.2, totalSteps: 20 }) };
  },
  adamw_onecycle: (ps) => {
    const optimizer = new AdamW(ps, { lr: 0.01 });
    return { optimizer, scheduler: new OneCycleLR(optimizer, { maxLr: 0.05, totalSteps: 20 }) };
  },
};

/** Max |a − b| / (|b| + 1e-3) over all entries: float32 against PyTorch's float64. */
function maxRelativeError(actual: ArrayLike<number>, expected: number[]): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    worst = Math.max(worst, Math.abs(actual[i]! - e) / (Math.abs(e) + 1e-3));
  }
  return worst;
}

function runCase(ref: OptimizerCase, factory: Factory): { worst: number; lrs: number[] } {
  const weight = tf.tidy(() => tf.variable(tf.tensor(ref.initial, ref.shape)));
  const { optimizer, scheduler } = factory([['layer.weight', weight]]);
  let worst = 0;
  const lrs: number[] = [];
  ref.grads.forEach((g, i) => {
    const grad = tf.tensor(g, ref.shape);
    optimizer.step(new Map([['layer.weight', grad]]));
    grad.dispose();
    worst = Math.max(worst, maxRelativeError(weight.dataSync(), ref.params[i]!));
    scheduler?.step();
    lrs.push(optimizer.lr);
  });
  optimizer.dispose();
  weight.dispose();
  return { worst, lrs };
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`optimizers match torch.optim on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    for (const [name, factory] of Object.entries(cases)) {
      it(name, () => {
        const ref = torchReference.optimizers[name]!;
        const before = tf.memory().numTensors;
        const { worst, lrs } = runCase(ref, factory);
        // float32 against float64: measured ≤ 1.6e-6 relative over 12–20 steps.
        expect(worst).toBeLessThan(1e-5);
        lrs.forEach((lr, i) => {
          expect(lr).toBeCloseTo(ref.lrs[i]!, 14);
        });
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

describe('optimizer state dicts', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
  afterAll(() => {
    tf.disposeVariables();
  });

  for (const name of ['sgd_nesterov_wd', 'adam_wd_amsgrad', 'adamw_onecycle'] as const) {
    it(`${name}: 5 steps + save/load + 7 steps equals 12 straight steps`, () => {
      const ref = torchReference.optimizers[name]!;
      const factory = cases[name]!;
      const weightA = tf.tidy(() => tf.variable(tf.tensor(ref.initial, ref.shape)));
      const a = factory([['w', weightA]]);
      const weightB = tf.tidy(() => tf.variable(tf.tensor(ref.initial, ref.shape)));
      const b1 = factory([['w', weightB]]);
      const grads = ref.grads.map((g) => new Map([['w', tf.tensor(g, ref.shape)]]));
      grads.forEach((g, i) => {
        a.optimizer.step(g);
        a.scheduler?.step();
        if (i < 5) {
          b1.optimizer.step(g);
          b1.scheduler?.step();
        }
      });
      const saved = b1.optimizer.stateDict();
      const savedJson = JSON.parse(JSON.stringify(saved.hyperparams));
      const schedulerJson = b1.scheduler
        ? JSON.parse(JSON.stringify(b1.scheduler.stateDict()))
        : null;
      const b2 = factory([['w', weightB]]);
      b2.optimizer.loadStateDict({ ...saved, hyperparams: savedJson });
      if (schedulerJson) b2.scheduler!.loadStateDict(schedulerJson);
      b1.optimizer.dispose();
      grads.slice(5).forEach((g) => {
        b2.optimizer.step(g);
        b2.scheduler?.step();
      });
      expect(Array.from(weightB.dataSync())).toEqual(Array.from(weightA.dataSync()));
      for (const g of grads) for (const t of g.values()) t.dispose();
      a.optimizer.dispose();
      b2.optimizer.dispose();
    });
  }

  it('names the state tensor that does not fit', () => {
    const w = tf.tidy(() => tf.variable(tf.zeros([2, 3])));
    const opt = new SGD([['fc.weight', w]], { lr: 0.1, momentum: 0.9 });
    const wrong = tf.zeros([3, 2]);
    expect(() =>
      opt.loadStateDict({
        kind: 'SGD',
        hyperparams: opt.hyperparams(),
        steps: {},
        tensors: new Map([['fc.weight.momentum_buffer', wrong]]),
      }),
    ).toThrow(
      /"fc\.weight\.momentum_buffer" has shape \[3, 2\] but parameter "fc\.weight" has \[2, 3\]/,
    );
    expect(() => opt.loadStateDict({ ...opt.stateDict(), kind: 'Adam' })).toThrow(
      /expected a SGD state but found a Adam state/,
    );
    wrong.dispose();
  });

  it('names unknown gradients and wrong gradient shapes', () => {
    const w = tf.tidy(() => tf.variable(tf.zeros([2])));
    const opt = new Adam([['fc.bias', w]]);
    const g = tf.zeros([3]);
    expect(() => opt.step(new Map([['fc.weight', g]]))).toThrow(/"fc\.weight", which is not one/);
    expect(() => opt.step(new Map([['fc.bias', g]]))).toThrow(
      /gradient "fc\.bias" has shape \[3\] but the parameter has \[2\]/,
    );
    expect(() => new SGD([['w', w]], { lr: 0.1, nesterov: true })).toThrow(CoreError);
    g.dispose();
  });
});
