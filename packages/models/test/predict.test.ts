import { evaluate, initBackend, predict } from '@s4/core';
import { loadMnist } from '@s4/mnist-data';
import { describe, expect, it } from 'vitest';
import { loadShippedModel } from '../src/index';

// @s4/core's `predict` is tested here, where the shipped weights are: on real digits it has to
// agree with `evaluate` image for image.
describe('predict with the shipped s4 weights', () => {
  it('predicts the 10,000 real MNIST test images as evaluate counts them', async () => {
    await initBackend({ backend: 'wasm' });
    const loaded = await loadShippedModel('s4');
    try {
      const test = await loadMnist({ split: 'test', download: false });
      const { normalization } = loaded;
      const result = await evaluate(loaded.model, test, { normalization });
      const predictions = await predict(loaded.model, test.images, { normalization });
      expect(predictions).toHaveLength(10_000);
      const labels = predictions.map((p) => p.label);
      expect(labels).toEqual(Array.from(result.predictions));
      const correct = labels.filter((label, i) => label === test.labels[i]).length;
      expect(correct / test.count).toBe(result.accuracy);
      for (const { label, probabilities } of predictions.slice(0, 100)) {
        expect(probabilities).toHaveLength(10);
        expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(Math.max(...probabilities)).toBe(probabilities[label]);
      }
    } finally {
      loaded.model.dispose();
    }
  });

  it('gives the same answers for a list of images, in any batch size, and each layer on request', async () => {
    await initBackend({ backend: 'wasm' });
    const loaded = await loadShippedModel('s4');
    try {
      const test = await loadMnist({ split: 'test', limit: 20, download: false });
      const { normalization } = loaded;
      const whole = await predict(loaded.model, test.images, { normalization });
      const images = Array.from({ length: 20 }, (_, i) =>
        test.images.subarray(i * 784, (i + 1) * 784),
      );
      const listed = await predict(loaded.model, images, { normalization, batchSize: 7 });
      expect(listed.map((p) => p.label)).toEqual(whole.map((p) => p.label));
      for (const [i, p] of listed.entries()) {
        for (const [c, v] of p.probabilities.entries())
          expect(v).toBeCloseTo(whole[i]!.probabilities[c]!, 5);
      }
      const mode = loaded.model.training;
      const [first] = await predict(loaded.model, [images[0]!], { normalization, layers: true });
      expect(first!.layers!.length).toBeGreaterThan(2);
      expect(first!.layers!.at(-1)!.shape).toEqual([10]);
      expect(first!.label).toBe(whole[0]!.label);
      expect(loaded.model.training).toBe(mode);
    } finally {
      loaded.model.dispose();
    }
  });
});
