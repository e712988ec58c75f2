import { describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import { initBackend } from '../src/public-api';

describe('initBackend', () => {
  it('initialises the wasm backend with SIMD in Node', async () => {
    const info = await initBackend({ backend: 'wasm' });
    expect(info).toEqual({ backend: 'wasm', simd: true });
    expect(tf.getBackend()).toBe('wasm');
    const y = tf.conv2d(
      tf.ones([1, 4, 4, 1]) as tf.Tensor4D,
      tf.ones([3, 3, 1, 2]) as tf.Tensor4D,
      1,
      'valid',
    );
    expect(Array.from(await y.data())).toEqual(Array(8).fill(9));
  });

  it('switches to the cpu backend and back', async () => {
    expect(await initBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu', simd: false });
    expect(tf.getBackend()).toBe('cpu');
    await initBackend({ backend: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('registers gradients', async () => {
    await initBackend({ backend: 'cpu' });
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.relu(tf.mul(x, x))))(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await g.data())).toEqual([2, -4, 6]);
  });

  it('rejects an unknown backend with a clear error', async () => {
    await expect(initBackend({ backend: 'webgl' as 'cpu' })).rejects.toThrow(
      /option "backend" must be one of 'wasm', 'cpu', got "webgl"/,
    );
  });
});
