import { describe, expect, it } from 'vitest';
import { initBackend, tf } from './backend';

const CASES: Array<[number[], number | number[], boolean]> = [
  [[128, 26, 26, 32], [0, 1, 2], false], // a conv bias gradient
  [[64, 20], 0, false], // a linear bias gradient
  [[4, 5, 6, 7], [0, 1], true],
  [[4, 5, 6, 7], [1, 0], false], // unsorted axes
  [[3, 9, 9, 1], [0, 1, 2], false],
  [[4, 5, 6, 7], [1, 2], false], // not leading: tfjs's own kernel
  [[4, 5, 6, 7], [0, 1, 2, 3], false], // everything: tfjs's own kernel
  [[4, 5, 6], -1, true],
];

describe('wasm Sum', () => {
  it.each(
    CASES.map(
      (c) => [`${c[0].join('×')} over ${String(c[1])}${c[2] ? ', keepDims' : ''}`, c] as const,
    ),
  )('matches the cpu backend: %s', async (_name, [shape, axis, keepDims]) => {
    await initBackend({ backend: 'cpu' });
    const x = tf.randomNormal(shape, 0.5, 1, 'float32', 3);
    const cpu = tf.sum(x, axis, keepDims);
    const reference = cpu.dataSync();
    await initBackend({ backend: 'wasm' });
    const wasm = tf.sum(x, axis, keepDims);
    expect(wasm.shape).toEqual(cpu.shape);
    const actual = wasm.dataSync();
    let diff = 0;
    let scale = 0;
    for (let i = 0; i < reference.length; i++) {
      diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
      scale = Math.max(scale, Math.abs(reference[i]!));
    }
    expect(diff / scale).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, cpu, wasm]);
  });

  it('keeps int32 sums exact (tfjs kernel)', async () => {
    await initBackend({ backend: 'wasm' });
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32');
    const s = tf.sum(x, 0);
    expect(s.dtype).toBe('int32');
    expect(Array.from(s.dataSync())).toEqual([9, 12]);
    tf.dispose([x, s]);
  });
});
