import { Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  CoreError,
  Dropout,
  Flatten,
  GlobalAvgPool,
  initBackend,
  Linear,
  LogSoftmax,
  MaxPool2d,
  ReLU,
  Sequential,
} from '../src/public-api';

/** A float64 NHWC array with its shape, the reference side of every comparison. */
interface Nd {
  data: Float64Array;
  shape: number[];
}

function randomNd(rng: Rng, shape: number[]): Nd {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.uniform(-2, 2);
  return { data, shape };
}

const toTensor = (a: Nd): tf.Tensor => tf.tensor(Float32Array.from(a.data), a.shape);
const read = (t: tf.Tensor): Float64Array => Float64Array.from(t.dataSync());

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const err = Math.abs((actual[i] as number) - e) / Math.max(1, Math.abs(e));
    worst = Math.max(worst, err);
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

/** Naive direct convolution, NHWC, explicit symmetric zero padding (top/left, bottom/right). */
function naiveConv(
  x: Nd,
  w: Nd,
  bias: Float64Array | undefined,
  stride: number,
  padTop: number,
  padLeft: number,
  outH: number,
  outW: number,
): Nd {
  const [n, h, wd, cin] = x.shape as [number, number, number, number];
  const [kh, kw, , cout] = w.shape as [number, number, number, number];
  const out = new Float64Array(n * outH * outW * cout);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < outH; oy++)
      for (let ox = 0; ox < outW; ox++)
        for (let o = 0; o < cout; o++) {
          let s = bias ? (bias[o] as number) : 0;
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const iy = oy * stride + ky - padTop;
              const ix = ox * stride + kx - padLeft;
              if (iy < 0 || ix < 0 || iy >= h || ix >= wd) continue;
              for (let i = 0; i < cin; i++) {
                s +=
                  (x.data[((b * h + iy) * wd + ix) * cin + i] as number) *
                  (w.data[((ky * kw + kx) * cin + i) * cout + o] as number);
              }
            }
          out[((b * outH + oy) * outW + ox) * cout + o] = s;
        }
  return { data: out, shape: [n, outH, outW, cout] };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('Conv2d', () => {
  const cases = [
    { stride: 1, padding: 'valid' as const, bias: true },
    { stride: 2, padding: 'valid' as const, bias: false },
    { stride: 1, padding: 'same' as const, bias: true },
    { stride: 2, padding: 'same' as const, bias: true },
    { stride: 1, padding: 1, bias: true },
    { stride: 2, padding: 2, bias: false },
  ];
  for (const c of cases) {
    it(`matches a naive loop (stride ${c.stride}, padding ${c.padding}, bias ${c.bias})`, () => {
      const rng = new Rng(7);
      const conv = new Conv2d(3, 4, 3, { stride: c.stride, padding: c.padding, bias: c.bias, rng });
      const x = randomNd(rng, [2, 7, 8, 3]);
      const w: Nd = { data: read(conv.weight), shape: conv.weight.shape };
      const bias = conv.bias ? read(conv.bias) : undefined;
      let outH: number;
      let outW: number;
      let padTop: number;
      let padLeft: number;
      if (c.padding === 'same') {
        outH = Math.ceil(7 / c.stride);
        outW = Math.ceil(8 / c.stride);
        // TensorFlow's 'same': total padding split with the extra row/column at the bottom/right.
        padTop = Math.floor(Math.max((outH - 1) * c.stride + 3 - 7, 0) / 2);
        padLeft = Math.floor(Math.max((outW - 1) * c.stride + 3 - 8, 0) / 2);
      } else {
        const p = c.padding === 'valid' ? 0 : c.padding;
        outH = Math.floor((7 + 2 * p - 3) / c.stride) + 1;
        outW = Math.floor((8 + 2 * p - 3) / c.stride) + 1;
        padTop = p;
        padLeft = p;
      }
      const expected = naiveConv(x, w, bias, c.stride, padTop, padLeft, outH, outW);
      const y = tf.tidy(() => conv.forward(toTensor(x)));
      expect(y.shape).toEqual(expected.shape);
      expectClose(read(y), expected.data, 1e-5);
      y.dispose();
      conv.dispose();
    });
  }

  it('initialises like PyTorch: kaiming-uniform (a=√5) weights and U(±1/√fanIn) bias', () => {
    const conv = new Conv2d(32, 64, 3, { rng: new Rng(1) });
    const bound = 1 / Math.sqrt(32 * 9);
    for (const v of [conv.weight, conv.bias as tf.Variable]) {
      const values = read(v);
      const max = values.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
      expect(max).toBeLessThanOrEqual(bound);
      expect(max).toBeGreaterThan(0.9 * bound);
    }
    const w = read(conv.weight);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    // U(−b, b) has variance b²/3; 18,432 draws put the estimate within a few percent.
    expect(Math.abs(mean)).toBeLessThan(0.02 * bound);
    expect(variance / ((bound * bound) / 3)).toBeGreaterThan(0.95);
    expect(variance / ((bound * bound) / 3)).toBeLessThan(1.05);
    conv.dispose();
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const a = new Conv2d(1, 2, 3, { rng: new Rng(5) });
    const b = new Conv2d(1, 2, 3, { rng: new Rng(5) });
    const c = new Conv2d(1, 2, 3, { rng: new Rng(6) });
    expect(read(a.weight)).toEqual(read(b.weight));
    expect(read(a.weight)).not.toEqual(read(c.weight));
    for (const m of [a, b, c]) m.dispose();
  });

  it('names the layer and both shapes on a wrong input', () => {
    const model = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new Conv2d(8, 4, 3));
    const x = tf.zeros([2, 28, 28, 1]);
    let error: unknown;
    try {
      tf.tidy(() => model.forward(x));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('SHAPE_MISMATCH');
    expect((error as CoreError).message).toBe(
      'Conv2d "2" expected an input of shape [*, *, *, 8] but got [2, 26, 26, 4] (NHWC)',
    );
    x.dispose();
    model.dispose();
  });

  it('rejects bad constructor arguments', () => {
    expect(() => new Conv2d(0, 4, 3)).toThrow(
      /Conv2d inChannels must be a positive integer, got 0/,
    );
    expect(() => new Conv2d(1, 4, 3, { padding: 'full' as 'same' })).toThrow(/padding must be/);
  });
});

describe('Linear', () => {
  it('matches x·W + b computed by hand, with PyTorch-shaped init transposed to [in, out]', () => {
    const rng = new Rng(3);
    const linear = new Linear(5, 3, { rng });
    const x = randomNd(rng, [4, 5]);
    const w = read(linear.weight);
    const b = read(linear.bias as tf.Variable);
    expect(linear.weight.shape).toEqual([5, 3]);
    const expected = new Float64Array(12);
    for (let n = 0; n < 4; n++)
      for (let o = 0; o < 3; o++) {
        let s = b[o] as number;
        for (let i = 0; i < 5; i++) s += (x.data[n * 5 + i] as number) * (w[i * 3 + o] as number);
        expected[n * 3 + o] = s;
      }
    const y = tf.tidy(() => linear.forward(toTensor(x)));
    expectClose(read(y), expected, 1e-6);
    const bound = 1 / Math.sqrt(5);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    y.dispose();
    linear.dispose();
  });

  it('asks for a flatten when given images', () => {
    const linear = new Linear(144, 20);
    const x = tf.zeros([2, 3, 3, 16]);
    expect(() => linear.forward(x)).toThrow(
      'Linear expected an input of shape [*, 144] but got [2, 3, 3, 16] (flatten first)',
    );
    x.dispose();
    linear.dispose();
  });
});

/** Per-channel batch statistics in float64: mean, biased and unbiased variance. */
function channelStats(x: Nd): { mean: number[]; biased: number[]; unbiased: number[] } {
  const c = x.shape[x.shape.length - 1] as number;
  const n = x.data.length / c;
  const mean = Array.from({ length: c }, (_, k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x.data[i * c + k] as number;
    return s / n;
  });
  const ss = mean.map((m, k) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += ((x.data[i * c + k] as number) - m) ** 2;
    return s;
  });
  return { mean, biased: ss.map((s) => s / n), unbiased: ss.map((s) => s / (n - 1)) };
}

describe('BatchNorm2d / BatchNorm1d', () => {
  for (const [name, make, shape] of [
    ['BatchNorm2d', () => new BatchNorm2d(3), [4, 5, 6, 3]],
    ['BatchNorm1d', () => new BatchNorm1d(3), [10, 3]],
  ] as const) {
    it(`${name}: normalises with the biased batch variance and updates running stats (unbiased, momentum 0.1) like PyTorch`, () => {
      const bn = make();
      const rng = new Rng(11);
      // Non-trivial γ, β so the affine part is checked too.
      bn.weight.assign(tf.tensor1d([0.5, 2, -1]));
      bn.bias.assign(tf.tensor1d([0.1, -0.3, 1]));
      const batches = [randomNd(rng, [...shape]), randomNd(rng, [...shape])];
      const runMean = [0, 0, 0];
      const runVar = [1, 1, 1];
      const gamma = [0.5, 2, -1];
      const beta = [0.1, -0.3, 1];
      for (const batch of batches) {
        const { mean, biased, unbiased } = channelStats(batch);
        const expected = batch.data.map((v, i) => {
          const k = i % 3;
          return (
            ((v - (mean[k] as number)) / Math.sqrt((biased[k] as number) + 1e-5)) *
              (gamma[k] as number) +
            (beta[k] as number)
          );
        });
        const y = tf.tidy(() => bn.forward(toTensor(batch)));
        expectClose(read(y), expected, 1e-5);
        y.dispose();
        for (let k = 0; k < 3; k++) {
          runMean[k] = 0.9 * (runMean[k] as number) + 0.1 * (mean[k] as number);
          runVar[k] = 0.9 * (runVar[k] as number) + 0.1 * (unbiased[k] as number);
        }
        expectClose(read(bn.runningMean), runMean, 1e-6);
        expectClose(read(bn.runningVar), runVar, 1e-6);
      }
      expect(bn.numBatchesTracked.dtype).toBe('int32');
      expect(bn.numBatchesTracked.dataSync()[0]).toBe(2);

      // Eval mode: the running statistics, no updates.
      bn.eval();
      const x = randomNd(rng, [...shape]);
      const expected = x.data.map((v, i) => {
        const k = i % 3;
        return (
          ((v - (runMean[k] as number)) / Math.sqrt((runVar[k] as number) + 1e-5)) *
            (gamma[k] as number) +
          (beta[k] as number)
        );
      });
      const y = tf.tidy(() => bn.forward(toTensor(x)));
      expectClose(read(y), expected, 1e-5);
      expectClose(read(bn.runningMean), runMean, 1e-6);
      expect(bn.numBatchesTracked.dataSync()[0]).toBe(2);
      y.dispose();
      bn.dispose();
    });
  }

  it('computes the same gradients as autograd through the plain formula, and leaks nothing', () => {
    const bn = new BatchNorm2d(3);
    bn.weight.assign(tf.tensor1d([0.5, 2, -1]));
    bn.bias.assign(tf.tensor1d([0.1, -0.3, 1]));
    const rng = new Rng(4);
    const x = toTensor(randomNd(rng, [3, 4, 4, 3]));
    const dyWeights = toTensor(randomNd(rng, [3, 4, 4, 3]));
    const ours = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(dyWeights, bn.forward(input))));
    const reference = tf.grads((input: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(input, [0, 1, 2]);
      const y = tf.add(tf.mul(tf.div(tf.sub(input, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      return tf.sum(tf.mul(dyWeights, y));
    });
    // Warm up once so lazily created engine tensors are not counted as a leak.
    tf.dispose(ours(x));
    const before = tf.memory().numTensors;
    const dx = ours(x);
    const viaVariables = tf.variableGrads(
      () => tf.sum(tf.mul(dyWeights, bn.forward(x))) as tf.Scalar,
      [bn.weight, bn.bias],
    );
    const [rdx, rdg, rdb] = reference([x, bn.weight, bn.bias]) as [tf.Tensor, tf.Tensor, tf.Tensor];
    expectClose(read(dx), read(rdx), 1e-5);
    expectClose(read(viaVariables.grads[bn.weight.name] as tf.Tensor), read(rdg), 1e-5);
    expectClose(read(viaVariables.grads[bn.bias.name] as tf.Tensor), read(rdb), 1e-5);
    tf.dispose([dx, rdx, rdg, rdb, viaVariables.value, ...Object.values(viaVariables.grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, dyWeights]);
    bn.dispose();
  });

  it('refuses a single value per channel in training mode, like PyTorch', () => {
    const bn = new BatchNorm1d(4);
    const x = tf.zeros([1, 4]);
    expect(() => bn.forward(x)).toThrow(
      /needs more than 1 value per channel in training mode, got input \[1, 4\]/,
    );
    bn.eval();
    tf.dispose(bn.forward(x));
    x.dispose();
    bn.dispose();
  });
});

describe('parameter-free layers', () => {
  it('ReLU, MaxPool2d, AvgPool2d, GlobalAvgPool, Flatten and LogSoftmax match hand computations', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const rng = new Rng(2);
      const x = randomNd(rng, [2, 4, 6, 3]);
      const at = (b: number, y: number, xx: number, c: number) =>
        x.data[((b * 4 + y) * 6 + xx) * 3 + c] as number;
      const t = toTensor(x);

      expectClose(
        read(new ReLU().forward(t)),
        x.data.map((v) => Math.fround(Math.max(v, 0))),
        0,
      );

      const maxExpected: number[] = [];
      const avgExpected: number[] = [];
      for (let b = 0; b < 2; b++)
        for (let y = 0; y < 2; y++)
          for (let xx = 0; xx < 3; xx++)
            for (let c = 0; c < 3; c++) {
              const window = [
                at(b, 2 * y, 2 * xx, c),
                at(b, 2 * y, 2 * xx + 1, c),
                at(b, 2 * y + 1, 2 * xx, c),
                at(b, 2 * y + 1, 2 * xx + 1, c),
              ];
              maxExpected.push(Math.max(...window));
              avgExpected.push(window.reduce((a, v) => a + v, 0) / 4);
            }
      const maxPooled = new MaxPool2d(2).forward(t);
      expect(maxPooled.shape).toEqual([2, 2, 3, 3]);
      expectClose(read(maxPooled), maxExpected, 1e-7);
      expectClose(read(new AvgPool2d(2).forward(t)), avgExpected, 1e-6);
      // Odd sizes floor like PyTorch: 4×6 with a 3×3 window, stride 3 → 1×2.
      expect(new MaxPool2d(3).forward(t).shape).toEqual([2, 1, 2, 3]);

      const gapExpected: number[] = [];
      for (let b = 0; b < 2; b++)
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let y = 0; y < 4; y++) for (let xx = 0; xx < 6; xx++) s += at(b, y, xx, c);
          gapExpected.push(s / 24);
        }
      const gap = new GlobalAvgPool().forward(t);
      expect(gap.shape).toEqual([2, 3]);
      expectClose(read(gap), gapExpected, 1e-6);

      // Flatten keeps NHWC memory order: h, then w, then c.
      const flat = new Flatten().forward(t);
      expect(flat.shape).toEqual([2, 72]);
      const flatValues = read(flat);
      for (let b = 0; b < 2; b++)
        for (let y = 0; y < 4; y++)
          for (let xx = 0; xx < 6; xx++)
            for (let c = 0; c < 3; c++)
              expect(flatValues[b * 72 + (y * 6 + xx) * 3 + c]).toBe(Math.fround(at(b, y, xx, c)));

      const logits = randomNd(rng, [3, 5]);
      const lsExpected: number[] = [];
      for (let n = 0; n < 3; n++) {
        const row = Array.from(logits.data.subarray(n * 5, n * 5 + 5));
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        lsExpected.push(...row.map((v) => v - lse));
      }
      expectClose(read(new LogSoftmax().forward(toTensor(logits))), lsExpected, 1e-6);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Dropout: identity in eval, inverted scaling in training, seeded masks restorable from state', () => {
    const drop = new Dropout(0.25, { rng: new Rng(9) });
    const model = new Sequential(new ReLU(), drop);
    const x = tf.ones([100, 100]);
    model.eval();
    expect(read(model.forward(x))).toEqual(new Float64Array(10000).fill(1));
    model.train();
    const state = model.getRngState();
    expect(Object.keys(state)).toEqual(['1.rng']);
    const first = read(model.forward(x));
    const kept = first.filter((v) => v !== 0);
    expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
    // 10,000 Bernoulli(0.75) draws: the kept fraction is within 0.75 ± 0.02 (4.6 σ).
    expect(Math.abs(kept.length / 10000 - 0.75)).toBeLessThan(0.02);
    const second = read(model.forward(x));
    expect(second).not.toEqual(first);
    model.setRngState(state);
    expect(read(model.forward(x))).toEqual(first);
    expect(() => model.setRngState({})).toThrow(
      /RNG state "1.rng": expected an unsigned 32-bit integer but got undefined/,
    );
    tf.dispose(x);
  });
});
