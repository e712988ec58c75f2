import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';

function values(size: number): Float32Array {
  // A fixed LCG: reproducible values without a test dependency.
  let state = 11;
  const uniform = (lo: number, hi: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return lo + ((hi - lo) * state) / 4294967296;
  };
  // Exact zeros too: ReLU's gradient at 0 is 0, as in PyTorch and tfjs.
  return Float32Array.from({ length: size }, (_, i) => (i % 7 === 0 ? 0 : uniform(-2, 2)));
}

const reluGrad = (x: tf.Tensor, w: tf.Tensor) =>
  tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.relu(t), w)))(x);

describe.each(['wasm', 'cpu'] as const)("S4's ReLU gradient kernel on %s", (backend) => {
  it.each([[[3, 26, 26, 8]], [[1001]]])(
    "shape %j: dx = x > 0 ? dy : 0, and the same as tfjs's composition",
    async (shape) => {
      await initBackend({ backend });
      const size = shape.reduce((a, b) => a * b, 1);
      const xs = values(size);
      const ws = values(size).map((v) => v + 3);
      const x = tf.tensor(xs, shape);
      const w = tf.tensor(ws, shape);
      const dx = reluGrad(x, w).dataSync().slice();
      expect(dx).toEqual(xs.map((v, i) => (v > 0 ? ws[i]! : 0)));
      await initBackend({ backend, kernels: { implementation: 'tfjs' } });
      try {
        const stock = reluGrad(x, w);
        expect(stock.dataSync()).toEqual(dx);
        stock.dispose();
      } finally {
        await initBackend({ backend });
      }
      tf.dispose([x, w]);
    },
  );
});
