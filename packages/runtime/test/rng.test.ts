import { describe, expect, it } from 'vitest';
import { Rng } from '../src/index';

describe('Rng', () => {
  it('repeats its sequence from a seed or a saved state', () => {
    const a = new Rng(42);
    const first = Array.from({ length: 5 }, () => a.nextUint32());
    expect(new Set(first).size).toBe(5);
    expect(Array.from({ length: 5 }, () => new Rng(42)).map((r) => r.nextUint32())).toEqual(
      Array(5).fill(first[0]),
    );
    const saved = a.getState();
    const next = a.next();
    expect(new Rng(0).setState(saved).next()).toBe(next);
  });

  it('skip(n) lands where n draws would, across the 2^32 wrap', () => {
    for (const [seed, count] of [
      [1, 0],
      [7, 1],
      [123, 1000],
      [0xfffffff0, 37],
    ] as const) {
      const drawn = new Rng(seed);
      for (let i = 0; i < count; i++) drawn.nextUint32();
      const skipped = new Rng(seed).skip(count);
      expect(skipped.getState()).toBe(drawn.getState());
      expect(skipped.nextUint32()).toBe(drawn.nextUint32());
    }
  });

  it('draws uniform floats in [0, 1) with the expected mean', () => {
    const rng = new Rng(3);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });
});
