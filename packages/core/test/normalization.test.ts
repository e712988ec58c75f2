import { loadMnist, MNIST_MEAN, MNIST_STD } from '@s4/mnist-data';
import { describe, expect, it } from 'vitest';
import { normalizePixels } from '../src/data/normalization';

describe('normalizePixels', () => {
  it('maps 0–255 to (x/255 − mean)/std with the MNIST defaults', () => {
    const out = normalizePixels(Uint8Array.from([0, 255, 51]));
    expect(out).toBeInstanceOf(Float32Array);
    expect(out[0]).toBeCloseTo(-MNIST_MEAN / MNIST_STD, 6);
    expect(out[1]).toBeCloseTo((1 - MNIST_MEAN) / MNIST_STD, 6);
    expect(out[2]).toBeCloseTo((0.2 - 0.1307) / 0.3081, 6);
    expect(Array.from(normalizePixels(Uint8Array.from([0, 255]), { mean: 0, std: 1 }))).toEqual([
      0, 1,
    ]);
  });

  it('gives the real test split mean ≈ 0 and std ≈ 1 (within the train/test shift)', async () => {
    const test = await loadMnist({ split: 'test' });
    const x = normalizePixels(test.images);
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < x.length; i++) {
      sum += x[i]!;
      sumSquares += x[i]! * x[i]!;
    }
    const mean = sum / x.length;
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(0.02);
    expect(Math.sqrt(sumSquares / x.length - mean * mean)).toBeCloseTo(1, 1);
  });
});
