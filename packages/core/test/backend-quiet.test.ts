import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../src/backend';
import { initBackend } from '../src/public-api';

// Its own file, so tfjs (and its cpu backend instance) is fresh: the banner below is printed
// once per cpu backend instance, on its first tensor.
describe('initBackend on cpu in Node', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints no "install our node backend" banner on the first tensors', async () => {
    // Spies that only watch: tfjs's calls still reach the real console.
    const warn = vi.spyOn(console, 'warn');
    const log = vi.spyOn(console, 'log');
    await initBackend({ backend: 'cpu' });
    const y = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(await y.data())).toEqual([4, 6]);
    expect(warn).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it("leaves tfjs's PROD flag as it found it, so tfjs's other warnings still show", async () => {
    await initBackend({ backend: 'cpu' });
    expect(tf.env().getBool('PROD')).toBe(false);
  });
});
