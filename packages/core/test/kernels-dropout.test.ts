import { Rng } from '@s4/runtime';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import { Dropout, initBackend } from '../src/public-api';

/** The plain JS definition the kernel must reproduce: x · (rng.next() < keep ? 1/keep : 0). */
function reference(x: Float32Array, p: number, seed: number): { y: Float32Array; state: number } {
  const rng = new Rng(seed);
  const keep = 1 - p;
  const scale = Math.fround(1 / keep);
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = Math.fround(x[i]! * (rng.next() < keep ? scale : 0));
  return { y, state: rng.getState() };
}

function input(size: number): Float32Array {
  const rng = new Rng(5);
  return Float32Array.from({ length: size }, () => rng.uniform(-3, 3));
}

describe.each(['wasm', 'cpu'] as const)("S4's dropout kernel on %s", (backend) => {
  it.each([
    [0.05, [3, 26, 26, 8]],
    [0.5, [1001]],
    [0.25, [7, 5, 3]],
  ] as const)(
    'p = %s, shape %j: bit for bit the JS loop, and the generator moves past the mask',
    async (p, shape) => {
      await initBackend({ backend });
      const size = shape.reduce((a, b) => a * b, 1);
      const values = input(size);
      const seed = 0xfffff000 + size; // near the 2^32 wrap
      const expected = reference(values, p, seed);
      const rng = new Rng(seed);
      const drop = new Dropout(p, { rng });
      drop.train();
      const x = tf.tensor(values, [...shape]);
      const y = drop.forward(x);
      expect(y.dataSync()).toEqual(expected.y);
      expect(rng.getState()).toBe(expected.state);
      const kept = expected.y.filter((v) => v !== 0).length / size;
      expect(Math.abs(kept - (1 - p))).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / size));
      tf.dispose([x, y]);
    },
  );

  it('backward: the gradient is the same mask applied to dy', async () => {
    await initBackend({ backend });
    const values = input(2 * 9 * 9 * 12);
    const weights = input(values.length).map((v) => v * 0.5 + 1);
    const drop = new Dropout(0.3, { rng: new Rng(77) });
    drop.train();
    const x = tf.tensor(values, [2, 9, 9, 12]);
    const w = tf.tensor(weights, [2, 9, 9, 12]);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(drop.forward(t), w)))(x);
    const mask = reference(new Float32Array(values.length).fill(1), 0.3, 77).y;
    const expected = weights.map((wi, i) => Math.fround(wi * mask[i]!));
    expect(dx.dataSync()).toEqual(expected);
    tf.dispose([x, w, dx]);
  });
});

it("matches tfjs's stock path (a JS mask and Multiply) with S4's kernels switched off", async () => {
  await initBackend({ backend: 'wasm' });
  const values = input(4 * 24 * 24 * 12);
  const run = () => {
    const drop = new Dropout(0.05, { rng: new Rng(123) });
    drop.train();
    const x = tf.tensor(values, [4, 24, 24, 12]);
    const out = drop.forward(x).dataSync().slice();
    x.dispose();
    return out;
  };
  const fused = run();
  await initBackend({ backend: 'wasm', kernels: { implementation: 'tfjs' } });
  try {
    expect(run()).toEqual(fused);
  } finally {
    await initBackend({ backend: 'wasm' });
  }
});
