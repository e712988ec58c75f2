import { describe, expect, it } from 'vitest';
import { batches, classCounts, loadMnist, MnistDataError, oneHot } from '../src/index';

describe('oneHot', () => {
  it('puts a 1 in each label’s column', () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
    expect(oneHot(Uint8Array.from([9]))).toHaveLength(10);
  });

  it('rejects a label outside the classes with BAD_LABEL', () => {
    expect(() => oneHot([1, 10])).toThrow(MnistDataError);
    expect(() => oneHot([1, 10])).toThrow('labels: expected integers in 0–9, found 10 at index 1');
  });
});

describe('batches', () => {
  const data = {
    count: 10,
    rows: 1,
    cols: 2,
    images: Uint8Array.from({ length: 20 }, (_, i) => i),
    labels: Uint8Array.from({ length: 10 }, (_, i) => i),
  };

  it('in file order: every example once, last batch smaller unless dropLast', () => {
    const all = [...batches(data, { batchSize: 4, shuffle: false })];
    expect(all.map((b) => b.size)).toEqual([4, 4, 2]);
    expect(Array.from(all[0]!.labels)).toEqual([0, 1, 2, 3]);
    expect(Array.from(all[2]!.images)).toEqual([16, 17, 18, 19]);
    expect([...batches(data, { batchSize: 4, shuffle: false, dropLast: true })]).toHaveLength(2);
  });

  it('shuffled: a permutation, the same for the same seed, another for another seed', () => {
    const order = (seed: number) =>
      [...batches(data, { batchSize: 3, seed })].flatMap((b) => Array.from(b.indices));
    const a = order(1);
    expect([...a].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(order(1)).toEqual(a);
    expect(order(2)).not.toEqual(a);
    // Images and labels stay paired.
    for (const batch of batches(data, { batchSize: 3, seed: 7 })) {
      batch.indices.forEach((index, b) => {
        expect(batch.labels[b]).toBe(index);
        expect(batch.images[2 * b]).toBe(2 * index);
      });
    }
  });

  it('keeps the class balance on real data and rejects a bad batchSize', async () => {
    const test = await loadMnist({ split: 'test', limit: 1000 });
    const seen = new Uint8Array(1000);
    for (const batch of batches(test, { batchSize: 128, seed: 3 })) {
      for (const index of batch.indices) seen[index]! += 1;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(classCounts(test.labels).reduce((a, b) => a + b)).toBe(1000);
    expect(() => [...batches(test, { batchSize: 0 })]).toThrow(
      'batchSize: expected a positive integer, found 0',
    );
  });
});
