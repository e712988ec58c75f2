import { Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { flatLayout, packGradients, readParameters, writeParameters } from '../src/nn/flat-state';
import { Adam } from '../src/optim/adam';
import { AdamW } from '../src/optim/adamw';
import type { FlatSlice, Optimizer } from '../src/optim/optimizer';
import { SGD } from '../src/optim/sgd';
import { OneCycleLR } from '../src/schedulers/one-cycle';
import { applyGradients, computeGradients, disposeGradients } from '../src/train-step';
import { torchReference } from './torch-reference';
import { tinyNet, weightBytes } from './train-helpers';

// `stepFlat` (plain JS on flat arrays, what data-parallel training uses) against `step` (tfjs
// kernels on the backend): every float32 rounding is reproduced, so the two agree bit for bit.

type Factory = (params: Array<[string, tf.Variable]>) => Optimizer;

const cases: Record<string, Factory> = {
  sgd_plain: (ps) => new SGD(ps, { lr: 0.1 }),
  sgd_momentum_dampening_wd: (ps) =>
    new SGD(ps, { lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }),
  sgd_nesterov_wd: (ps) =>
    new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }),
  adam_default: (ps) => new Adam(ps, { lr: 0.01 }),
  adam_wd_amsgrad: (ps) =>
    new Adam(ps, { lr: 0.02, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, amsgrad: true }),
  adamw: (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 }),
};

const SHAPES: Array<[string, number[]]> = [
  ['conv.weight', [3, 3, 1, 4]],
  ['conv.bias', [4]],
  ['fc.weight', [4, 10]],
];

const entries: FlatSlice[] = [];
{
  let offset = 0;
  for (const [name, shape] of SHAPES) {
    const size = shape.reduce((a, b) => a * b, 1);
    entries.push({ name, offset, size });
    offset += size;
  }
}
const total = entries.at(-1)!.offset + entries.at(-1)!.size;

function normal(rng: Rng, n: number, scale: number): Float32Array {
  return Float32Array.from({ length: n }, () => scale * (rng.next() * 2 - 1));
}

function variables(initial: Float32Array): Array<[string, tf.Variable]> {
  return SHAPES.map(([name, shape], i) => {
    const e = entries[i]!;
    const values = initial.subarray(e.offset, e.offset + e.size);
    return [name, tf.tidy(() => tf.variable(tf.tensor(values, shape)))];
  });
}

function tensorGrads(flat: Float32Array): Map<string, tf.Tensor> {
  return new Map(
    SHAPES.map(([name, shape], i) => {
      const e = entries[i]!;
      return [name, tf.tensor(flat.slice(e.offset, e.offset + e.size), shape)];
    }),
  );
}

function flatten(vars: Array<[string, tf.Variable]>): Float32Array {
  const out = new Float32Array(total);
  vars.forEach(([, v], i) => {
    out.set(v.dataSync(), entries[i]!.offset);
  });
  return out;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`Optimizer.stepFlat on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    for (const [name, factory] of Object.entries(cases)) {
      it(`${name}: 15 flat steps equal 15 tensor steps bit for bit, under OneCycleLR`, () => {
        const rng = new Rng(42);
        const initial = normal(rng, total, 0.5);
        const grads = Array.from({ length: 15 }, () => normal(rng, total, 1));
        const before = tf.memory().numTensors;

        const vars = variables(initial);
        const viaTensors = factory(vars);
        const s1 = new OneCycleLR(viaTensors, { maxLr: 0.05, totalSteps: 15 });
        for (const g of grads) {
          const map = tensorGrads(g);
          viaTensors.step(map);
          for (const t of map.values()) t.dispose();
          s1.step();
        }

        const params = initial.slice();
        const flatVars = variables(initial);
        const viaFlat = factory(flatVars);
        const s2 = new OneCycleLR(viaFlat, { maxLr: 0.05, totalSteps: 15 });
        const tensorsBefore = tf.memory().numTensors;
        for (const g of grads) {
          viaFlat.stepFlat(params, g, entries);
          s2.step();
        }
        // Plain JS: not one tensor made on the way.
        expect(tf.memory().numTensors).toBe(tensorsBefore);

        const expected = flatten(vars);
        let worst = 0;
        for (let i = 0; i < total; i++) {
          worst = Math.max(worst, Math.abs(params[i]! - expected[i]!));
        }
        expect(worst).toBeLessThan(1e-6);
        expect(Array.from(params)).toEqual(Array.from(expected));
        // The state too, through stateDict (which writes it into the optimizer's variables).
        const a = viaTensors.stateDict();
        const b = viaFlat.stateDict();
        expect(b.steps).toEqual(a.steps);
        expect([...b.tensors.keys()]).toEqual([...a.tensors.keys()]);
        for (const [key, t] of a.tensors) {
          expect(Array.from(b.tensors.get(key)!.dataSync())).toEqual(Array.from(t.dataSync()));
        }
        for (const o of [viaTensors, viaFlat]) o.dispose();
        for (const [, v] of [...vars, ...flatVars]) v.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('matches the PyTorch sequences as the tensor path does', () => {
      for (const name of Object.keys(cases)) {
        const ref = torchReference.optimizers[name]!;
        const weight = tf.tidy(() => tf.variable(tf.tensor(ref.initial, ref.shape)));
        const optimizer = cases[name]!([['w', weight]]);
        const params = Float32Array.from(ref.initial);
        const slice = [{ name: 'w', offset: 0, size: params.length }];
        ref.grads.forEach((g, i) => {
          optimizer.stepFlat(params, Float32Array.from(g), slice);
          const expected = ref.params[i]!;
          for (let j = 0; j < expected.length; j++) {
            const e = expected[j]!;
            expect(Math.abs(params[j]! - e) / (Math.abs(e) + 1e-3)).toBeLessThan(1e-5);
          }
        });
        optimizer.dispose();
        weight.dispose();
      }
    });
  });
}

describe('Optimizer.stepFlat mixed with step, stateDict and loadStateDict', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  for (const name of ['sgd_nesterov_wd', 'adam_wd_amsgrad', 'adamw'] as const) {
    it(`${name}: tensor, flat, save/load, flat, tensor steps equal 12 tensor steps`, () => {
      const rng = new Rng(7);
      const initial = normal(rng, total, 0.5);
      const grads = Array.from({ length: 12 }, () => normal(rng, total, 1));
      const factory = cases[name]!;
      const before = tf.memory().numTensors;

      const straightVars = variables(initial);
      const straight = factory(straightVars);
      for (const g of grads) {
        const map = tensorGrads(g);
        straight.step(map);
        for (const t of map.values()) t.dispose();
      }

      const vars = variables(initial);
      const first = factory(vars);
      const tensorStep = (o: Optimizer, g: Float32Array) => {
        const map = tensorGrads(g);
        o.step(map);
        for (const t of map.values()) t.dispose();
      };
      // Flat steps update an array the caller then writes into the model, as the pool does.
      const flatStep = (o: Optimizer, g: Float32Array) => {
        const params = flatten(vars);
        o.stepFlat(params, g, entries);
        vars.forEach(([, v], i) => {
          const e = entries[i]!;
          tf.tidy(() => v.assign(tf.tensor(params.slice(e.offset, e.offset + e.size), v.shape)));
        });
      };
      for (const g of grads.slice(0, 3)) tensorStep(first, g);
      for (const g of grads.slice(3, 6)) flatStep(first, g);
      const saved = first.stateDict();
      const second = factory(vars);
      second.loadStateDict({
        ...saved,
        hyperparams: JSON.parse(JSON.stringify(saved.hyperparams)),
      });
      first.dispose();
      for (const g of grads.slice(6, 9)) flatStep(second, g);
      for (const g of grads.slice(9)) tensorStep(second, g);

      expect(Array.from(flatten(vars))).toEqual(Array.from(flatten(straightVars)));
      for (const o of [straight, second]) o.dispose();
      for (const [, v] of [...vars, ...straightVars]) v.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('the flat update (stepFlat) trains a real network exactly as applyGradients does', () => {
    const a = tinyNet(5);
    const b = tinyNet(5);
    const optA = new Adam(a.namedParameters(), { lr: 0.01, weightDecay: 1e-3 });
    const optB = new Adam(b.namedParameters(), { lr: 0.01, weightDecay: 1e-3 });
    const layout = flatLayout(b);
    const rng = new Rng(3);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 4; step++) {
      const x = tf.tensor4d(normal(rng, 8 * 28 * 28, 1), [8, 28, 28, 1]);
      const y = tf.tensor1d(
        Array.from({ length: 8 }, (_, i) => (i + step) % 10),
        'int32',
      );
      applyGradients(optA, computeGradients(a, x, y).grads);
      const { grads } = computeGradients(b, x, y);
      const params = readParameters(b, layout);
      optB.stepFlat(params, packGradients(grads, layout), layout.parameters);
      writeParameters(b, layout, params);
      disposeGradients(grads);
      tf.dispose([x, y]);
    }
    expect([...weightBytes(b)]).toEqual([...weightBytes(a)]);
    // The flat path keeps its state in arrays: the variables appear with stateDict, owned by
    // the optimizer as the tensor path's are.
    optB.stateDict();
    optA.dispose();
    optB.dispose();
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  });

  it('names unknown parameters and wrong sizes', () => {
    const w = tf.tidy(() => tf.variable(tf.zeros([2, 3])));
    const opt = new SGD([['fc.weight', w]], { lr: 0.1, momentum: 0.9 });
    const six = new Float32Array(6);
    expect(() => opt.stepFlat(six, six, [{ name: 'fc.bias', offset: 0, size: 6 }])).toThrow(
      /"fc\.bias", which is not one of the optimizer's parameters/,
    );
    expect(() => opt.stepFlat(six, six, [{ name: 'fc.weight', offset: 0, size: 5 }])).toThrow(
      /"fc\.weight" has 5 values but the parameter has 6/,
    );
    opt.dispose();
    w.dispose();
  });
});
