import { describe, expect, it } from 'vitest';
import type { WasmTrainingOptions } from '../src/index';
import { initBackend, tf } from './backend';
import { maxRelativeError, onBackend } from './backend-compare';

type Padding = 'valid' | 'same';

interface WinogradCase {
  /** Output height and width. */
  out: [number, number];
  ci: number;
  co: number;
  pad: Padding;
}

// Every tile edge case: odd and even output sizes (a partial last tile row/column), 1×1 to 7×7
// and the zoo's 24/26, non-square; channel counts at and around the GEMM's 8 + 4 register
// blocks and between them; both paddings (the caller pads, the kernel always sees a 'valid' convolution).
const CASES: WinogradCase[] = [];
const CHANNELS: Array<[number, number]> = [
  [4, 4],
  [8, 12],
  [12, 8],
  [16, 32],
  [32, 16],
];
for (const size of [1, 2, 3, 4, 5, 6, 7, 24, 26]) {
  for (const [ci, co] of CHANNELS) {
    for (const pad of ['valid', 'same'] as const) CASES.push({ out: [size, size], ci, co, pad });
  }
}
CASES.push(
  { out: [5, 24], ci: 8, co: 8, pad: 'valid' },
  { out: [7, 2], ci: 32, co: 32, pad: 'same' },
  { out: [24, 3], ci: 12, co: 16, pad: 'valid' },
  // Channels not a multiple of 4: x, the filter and the bias padded with zeros, y's last
  // SIMD vector stored lane by lane.
  { out: [6, 6], ci: 1, co: 8, pad: 'valid' },
  { out: [5, 5], ci: 10, co: 12, pad: 'same' },
  { out: [5, 5], ci: 12, co: 10, pad: 'valid' },
  { out: [10, 10], ci: 32, co: 10, pad: 'valid' },
  { out: [12, 12], ci: 10, co: 32, pad: 'valid' },
  { out: [3, 3], ci: 10, co: 10, pad: 'same' },
  { out: [7, 6], ci: 5, co: 7, pad: 'valid' },
  { out: [4, 5], ci: 3, co: 9, pad: 'same' },
);

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

const label = (c: WinogradCase) => `${c.out.join('×')} out, ${c.ci}→${c.co}, ${c.pad}`;

// Winograd F(2×2, 3×3) rounds differently from direct convolution: the input transform adds up
// to four inputs, the filter transform halves sums of three taps, and the output transform adds
// nine products per output. Each is a few float32 roundings of values of the output's scale,
// so the error stays within a small multiple of ε·sqrt(9·ci) relative to max |y| (measured:
// ≤ 1e-6 for these shapes, ~1e-6 for the zoo's); 1e-5 is the bound the direct conv meets too.
const TOLERANCE = 1e-5;

/** Winograd wherever it applies, not only where the automatic rule picks it. */
const ALWAYS: WasmTrainingOptions = { winograd: 'always' };

describe('Winograd F(2×2, 3×3) convolution and its gradients (forced on) match the cpu backend', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    await initBackend({ backend: 'cpu' });
    const [h, w] = c.pad === 'same' ? c.out : [c.out[0] + 2, c.out[1] + 2];
    const x = seeded([3, h, w, c.ci], 1) as tf.Tensor4D;
    const filter = seeded([3, 3, c.ci, c.co], 2) as tf.Tensor4D;
    const bias = seeded([c.co], 3) as tf.Tensor1D;
    const dy = seeded([3, c.out[0], c.out[1], c.co], 4) as tf.Tensor4D;
    const conv = () => tf.conv2d(x, filter, 1, c.pad);
    const fused = () => tf.fused.conv2d({ x, filter, strides: 1, pad: c.pad, bias });
    // The input gradient: a stride-1 'full' convolution of padded dy with the flipped filter.
    const dx = () => tf.conv2dTranspose(dy, filter, [3, h, w, c.ci], 1, c.pad);
    const dw = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        strides: [1, 1],
        pad: c.pad,
        dataFormat: 'NHWC',
        filterShape: [3, 3, c.ci, c.co],
      } as unknown as tf.NamedAttrMap) as tf.Tensor;

    for (const [name, run] of [
      ['conv', conv],
      ['conv + bias', fused],
      ['input gradient', dx],
      ['filter gradient', dw],
    ] as const) {
      const reference = await onBackend('cpu', run);
      const onWasm = await onBackend('wasm', run, ALWAYS);
      expect(maxRelativeError(onWasm, reference), name).toBeLessThanOrEqual(TOLERANCE);
    }
    tf.dispose([x, filter, bias, dy]);
  });
});

it('the automatic rule takes the Winograd path for the zoo conv shapes and agrees with the GEMM', async () => {
  await initBackend({ backend: 'wasm' });
  // seed-arch2's 16→32 layer on 26×26 maps and seed-arch1's 32→32 on 13×13.
  for (const [size, ci, co] of [
    [26, 16, 32],
    [13, 32, 32],
  ] as const) {
    const x = seeded([4, size, size, ci], 5) as tf.Tensor4D;
    const filter = seeded([3, 3, ci, co], 6) as tf.Tensor4D;
    const results: Float32Array[] = [];
    for (const mode of ['auto', 'never'] as const) {
      await initBackend({ backend: 'wasm', kernels: { winograd: mode } });
      const y = tf.conv2d(x, filter, 1, 'valid');
      results.push((await y.data()) as Float32Array);
      y.dispose();
    }
    await initBackend({ backend: 'wasm' });
    // Not bit-identical: the Winograd path rounds differently (see TOLERANCE).
    expect(results[0]).not.toEqual(results[1]);
    expect(maxRelativeError(results[0]!, results[1]!)).toBeLessThanOrEqual(TOLERANCE);
    tf.dispose([x, filter]);
  }
});

it('Winograd reads explicit, asymmetric and wide zero padding as the cpu backend pads', async () => {
  await initBackend({ backend: 'cpu' });
  const x = seeded([2, 7, 6, 8], 7) as tf.Tensor4D;
  const filter = seeded([3, 3, 8, 12], 8) as tf.Tensor4D;
  for (const [top, bottom, left, right] of [
    [2, 0, 1, 3],
    [0, 3, 0, 0],
    [4, 4, 3, 5],
  ] as const) {
    const run = () =>
      tf.conv2d(x, filter, 1, [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ]);
    const reference = await onBackend('cpu', run);
    const onWasm = await onBackend('wasm', run, ALWAYS);
    expect(
      maxRelativeError(onWasm, reference),
      `${top} ${bottom} ${left} ${right}`,
    ).toBeLessThanOrEqual(TOLERANCE);
  }
  tf.dispose([x, filter]);
});
