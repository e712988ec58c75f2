import { Rng } from '@s4/mnist-data';
import { describe, expect, it } from 'vitest';
import { initBackend, tf, useS4WasmKernels } from '../src/index';

function values(size: number): Float32Array {
  const rng = new Rng(11);
  // Exact zeros too: ReLU's gradient at 0 is 0, as in PyTorch and tfjs.
  return Float32Array.from({ length: size }, (_, i) => (i % 7 === 0 ? 0 : rng.uniform(-2, 2)));
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
      useS4WasmKernels(false);
      try {
        const stock = reluGrad(x, w);
        expect(stock.dataSync()).toEqual(dx);
        stock.dispose();
      } finally {
        useS4WasmKernels(true);
      }
      tf.dispose([x, w]);
    },
  );
});
