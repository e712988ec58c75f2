import { describe, expect, it } from 'vitest';
import { batchNormTrainFused } from '../src/index';
import { initBackend, tf } from './backend';

/** Values with -0 read as 0 (a ReLU may give either; nothing downstream tells them apart). */
function plain(t: tf.Tensor): number[] {
  return Array.from(t.dataSync(), (v) => v + 0);
}

// Channel counts that are multiples of 4, folded ones (10, 6, 5, 2, 3, 1 with M a multiple of
// the fold) and shapes that take the composed path ([5, 3, 3, 10], [3, 7, 7, 1], [6, 9]).
const SHAPES: number[][] = [
  [8, 13, 13, 32],
  [4, 5, 5, 3],
  [128, 20],
  [3, 7, 7, 1],
  [6, 9],
  [64, 10, 10, 10],
  [5, 3, 3, 10],
  [4, 5, 5, 6],
  [4, 4, 5, 5],
  [4, 4, 4, 2],
  [20, 10],
];

describe('batch norm with a fused ReLU', () => {
  it.each(SHAPES.map((s) => [s.join('×'), s] as const))(
    'equals batch norm then ReLU exactly (values, batch statistics, all three gradients): %s',
    async (_name, shape) => {
      for (const backend of ['cpu', 'wasm'] as const) {
        await initBackend({ backend });
        const channels = shape.at(-1)!;
        const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), 3), 2);
        const gamma = tf.randomUniform([channels], 0.5, 1.5, 'float32', 2);
        const beta = tf.randomUniform([channels], -1, 1, 'float32', 3);
        const r = tf.randomNormal(shape, 0, 1, 'float32', 4);
        const run = (fused: boolean) => {
          const stats: number[][] = [];
          const onBatchStats = ({ mean, variance }: { mean: tf.Tensor; variance: tf.Tensor }) => {
            stats.push(plain(mean), plain(variance));
          };
          const layer = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
            fused
              ? batchNormTrainFused(a, g, b, 1e-5, { onBatchStats, relu: true })
              : tf.relu(batchNormTrainFused(a, g, b, 1e-5, onBatchStats));
          const out = tf.tidy(() => {
            const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
              tf.sum(tf.mul(layer(a, g, b), r));
            return [layer(x, gamma, beta), ...tf.grads(f)([x, gamma, beta])];
          });
          const values = out.map(plain);
          tf.dispose(out);
          return [...values, ...stats];
        };
        const expected = run(false);
        const actual = run(true);
        ['y', 'dx', 'dγ', 'dβ', 'mean', 'variance'].forEach((name, i) => {
          expect(actual[i], `${backend} ${name}`).toEqual(expected[i]);
        });
        // The ReLU really ran: some outputs are clipped, some gradients blocked.
        expect(actual[0]!.some((v) => v === 0)).toBe(true);
        tf.dispose([x, gamma, beta, r]);
      }
    },
  );

  it('matches tfjs ops on cpu', async () => {
    await initBackend({ backend: 'wasm' });
    const shape = [6, 5, 5, 12];
    const x = tf.randomNormal(shape, 1, 2, 'float32', 11);
    const gamma = tf.randomUniform([12], 0.5, 1.5, 'float32', 12);
    const beta = tf.randomUniform([12], -1, 1, 'float32', 13);
    const r = tf.randomNormal(shape, 0, 1, 'float32', 14);
    const grads = (bn: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) =>
      tf
        .grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(bn(a, g, b), r)))([
          x,
          gamma,
          beta,
        ])
        .map((t) => t.dataSync());
    const fused = grads((a, g, b) => batchNormTrainFused(a, g, b, 1e-5, { relu: true }));
    const reference = grads((a, g, b) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.relu(
        tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-5))), g), b),
      );
    });
    fused.forEach((values, i) => {
      const ref = reference[i]!;
      const scale = Math.max(...Array.from(ref, Math.abs));
      values.forEach((v, j) => {
        expect(Math.abs(v - ref[j]!), `gradient ${i} [${j}]`).toBeLessThanOrEqual(1e-4 * scale);
      });
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
        tf.sum(tf.square(batchNormTrainFused(x, gamma, beta, 1e-5, { relu: true }))),
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
