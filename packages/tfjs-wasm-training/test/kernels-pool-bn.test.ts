import { describe, expect, it } from 'vitest';
import { batchNormTrainFused } from '../src/index';
import { initBackend, tf } from './backend';
import { maxRelativeError } from './backend-compare';

type Shape4 = [number, number, number, number];

async function valuesOn(
  backend: 'wasm' | 'cpu',
  run: () => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await initBackend({ backend });
  const out = run();
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => t.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

/** Distinct values on a 1/64 grid, shuffled: no ties, and gaps far wider than the FD step. */
function distinctValues(shape: number[], seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (i - size / 2) / 64;
  let state = seed;
  for (let i = size - 1; i > 0; i--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const j = state % (i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return tf.tensor(values, shape);
}

interface PoolCase {
  x: Shape4;
  filter: number;
  stride: number;
  pad: 'valid' | 'same';
}
const POOL_CASES: PoolCase[] = [];
// Channel counts below 4, a multiple of 4, and not (S4's SIMD kernel shifts its last vector
// back to the last channel): seed-arch2's 10, and 5, 6.
for (const x of [
  [2, 6, 6, 3],
  [3, 13, 13, 8],
  [1, 7, 9, 16],
  [2, 10, 10, 10],
  [3, 9, 11, 5],
  [2, 8, 7, 6],
] as Shape4[]) {
  for (const filter of [2, 3]) {
    for (const stride of [1, 2]) {
      for (const pad of ['valid', 'same'] as const) POOL_CASES.push({ x, filter, stride, pad });
    }
  }
}
const poolLabel = (c: PoolCase) =>
  `x ${c.x.join('×')}, ${c.filter}×${c.filter} stride ${c.stride}, ${c.pad}`;

describe('wasm MaxPoolGrad', () => {
  it.each(POOL_CASES.map((c) => [poolLabel(c), c] as const))(
    'matches the cpu kernel, ties included: %s',
    async (_name, c) => {
      await initBackend({ backend: 'cpu' });
      // ReLU of values rounded to a coarse grid: many exact ties (zeros and repeats).
      const x = tf.relu(tf.round(tf.mul(tf.randomNormal(c.x, 0, 1, 'float32', 7), 2)));
      const grad = () =>
        tf.grad((v: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.maxPool(v as tf.Tensor4D, c.filter, c.stride, c.pad),
              tf.randomUniform([1], 0.5, 1.5, 'float32', 3),
            ),
          ),
        )(x);
      const [cpu] = await valuesOn('cpu', grad);
      const [wasm] = await valuesOn('wasm', grad);
      expect(maxRelativeError(wasm!, cpu!)).toBeLessThanOrEqual(1e-4);
      // Each output's gradient lands on exactly one input: the totals agree.
      const total = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
      expect(Math.abs(total(wasm!) - total(cpu!))).toBeLessThanOrEqual(1e-3 * total(cpu!));
      x.dispose();
    },
  );

  it.each(POOL_CASES.map((c) => [poolLabel(c), c] as const))(
    'matches central finite differences: %s',
    async (_name, c) => {
      await initBackend({ backend: 'wasm' });
      const x = distinctValues(c.x, 11);
      const outShape = tf.maxPool(x as tf.Tensor4D, c.filter, c.stride, c.pad).shape;
      const r = tf.randomUniform(outShape, -1, 1, 'float32', 5).dataSync();
      // Max pooling only selects values, so the pooled outputs are exact; summing them against
      // r in float64 leaves the finite differences free of float32 rounding.
      const loss = (v: tf.Tensor) => {
        const pooled = tf.tidy(() => tf.maxPool(v as tf.Tensor4D, c.filter, c.stride, c.pad));
        const values = pooled.dataSync();
        pooled.dispose();
        let total = 0;
        for (let i = 0; i < values.length; i++) total += values[i]! * r[i]!;
        return total;
      };
      const g = tf
        .grad((v: tf.Tensor) =>
          tf.sum(
            tf.mul(tf.maxPool(v as tf.Tensor4D, c.filter, c.stride, c.pad), tf.tensor(r, outShape)),
          ),
        )(x)
        .dataSync();
      const base = x.dataSync();
      const h = 1 / 256; // well inside the 1/64 gaps: no window changes its maximum
      for (let i = 0; i < base.length; i += 3) {
        const at = (delta: number) => {
          const values = base.slice();
          values[i] = values[i]! + delta;
          const t = tf.tensor(values, x.shape);
          const v = loss(t);
          t.dispose();
          return v;
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(fd - g[i]!), `x[${i}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(g[i]!)));
      }
      x.dispose();
    },
  );
});

/** Training-mode batch norm from tfjs ops: the reference the fused kernels must match. */
function referenceBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

// Channel counts that are not a multiple of 4 run S4's SIMD kernels on [M / k, k·C] (k = 2 or
// 4) when M is a multiple of k (10, 6, 5, 2, 1 and 3 channels here), the composed path otherwise
// ([5, 3, 3, 10], [3, 7, 7, 1], [6, 9]).
const BN_SHAPES: number[][] = [
  [4, 5, 5, 3],
  [8, 13, 13, 32],
  [128, 20],
  [3, 7, 7, 1],
  [6, 9],
  [64, 10, 10, 10],
  [5, 3, 3, 10],
  [4, 5, 5, 6],
  [4, 4, 5, 5],
  [4, 4, 4, 2],
  [8, 2, 2, 1],
  [20, 10],
];

describe('fused training-mode batch norm', () => {
  it.each(BN_SHAPES.map((s) => [s.join('×'), s] as const))(
    'matches tfjs ops on cpu (values, batch statistics and all three gradients): %s',
    async (_name, shape) => {
      await initBackend({ backend: 'cpu' });
      const channels = shape.at(-1)!;
      // An offset mean and a spread of scales, as real activations have.
      const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), 3), 2);
      const gamma = tf.randomUniform([channels], 0.5, 1.5, 'float32', 2);
      const beta = tf.randomUniform([channels], -1, 1, 'float32', 3);
      const r = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const eps = 1e-5;
      const lossWith = (bn: typeof referenceBatchNorm) => () =>
        tf.tidy(() => {
          const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
            tf.sum(tf.mul(bn(a, g, b, eps), r));
          return [bn(x, gamma, beta, eps), ...tf.grads(f)([x, gamma, beta])];
        });
      const reference = await valuesOn('cpu', lossWith(referenceBatchNorm));
      const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, e: number) =>
        batchNormTrainFused(a, g, b, e);
      for (const backend of ['cpu', 'wasm'] as const) {
        const actual = await valuesOn(backend, lossWith(fused));
        ['y', 'dx', 'dγ', 'dβ'].forEach((name, i) => {
          expect(
            maxRelativeError(actual[i]!, reference[i]!),
            `${backend} ${name}`,
          ).toBeLessThanOrEqual(1e-4);
        });
      }
      // The batch statistics handed to the running-statistics update.
      await initBackend({ backend: 'wasm' });
      const axes = shape.slice(0, -1).map((_, i) => i);
      const expected = tf.moments(x, axes);
      let seen: { mean: Float32Array; variance: Float32Array; count: number } | undefined;
      tf.tidy(() =>
        batchNormTrainFused(x, gamma, beta, eps, ({ mean, variance, count }) => {
          seen = {
            mean: mean.dataSync() as Float32Array,
            variance: variance.dataSync() as Float32Array,
            count,
          };
        }),
      );
      expect(seen?.count).toBe(x.size / channels);
      expect(maxRelativeError(seen!.mean, expected.mean.dataSync())).toBeLessThanOrEqual(1e-4);
      expect(maxRelativeError(seen!.variance, expected.variance.dataSync())).toBeLessThanOrEqual(
        1e-4,
      );
      tf.dispose([x, gamma, beta, r, expected.mean, expected.variance]);
    },
  );

  it.each([
    [6, 3, 3, 4],
    [4, 3, 3, 10],
  ])('matches central finite differences on wasm: %i×%i×%i×%i', async (...shape) => {
    await initBackend({ backend: 'wasm' });
    const channels = shape[3]!;
    const x = tf.randomNormal(shape, 1, 2, 'float32', 21);
    const gamma = tf.randomUniform([channels], 0.5, 1.5, 'float32', 22);
    const beta = tf.randomUniform([channels], -1, 1, 'float32', 23);
    const r = tf.randomNormal(shape, 0, 1, 'float32', 24);
    // A loss with curvature in x (the square), so the check is not of a linear map.
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.tidy(() => tf.sum(tf.mul(tf.square(batchNormTrainFused(a, g, b, 1e-5)), r)));
    const grads = tf
      .grads(loss)([x, gamma, beta])
      .map((t) => t.dataSync());
    const inputs = [x, gamma, beta];
    const h = 1e-2;
    inputs.forEach((target, which) => {
      const base = target.dataSync();
      for (let i = 0; i < base.length; i += which === 0 ? 5 : 1) {
        const at = (delta: number) => {
          const values = base.slice();
          values[i] = values[i]! + delta;
          const shifted = inputs.map((t, j) => (j === which ? tf.tensor(values, t.shape) : t));
          const v = loss(shifted[0]!, shifted[1]!, shifted[2]!).dataSync()[0]!;
          tf.dispose(shifted[which]!);
          return v;
        };
        const fd = (at(h) - at(-h)) / (2 * h);
        const g = grads[which]![i]!;
        expect(Math.abs(fd - g), `input ${which} [${i}]`).toBeLessThanOrEqual(
          1e-2 * (1 + Math.abs(g)),
        );
      }
    });
    tf.dispose([x, gamma, beta, r]);
  });

  it('leaks no tensors across training steps', async () => {
    await initBackend({ backend: 'wasm' });
    const x = tf.randomNormal([16, 5, 5, 8], 0, 1, 'float32', 1);
    const gamma = tf.variable(tf.ones([8]));
    const beta = tf.variable(tf.zeros([8]));
    const step = () => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(tf.square(batchNormTrainFused(x, gamma, beta, 1e-5))),
      );
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta]);
  });
});
