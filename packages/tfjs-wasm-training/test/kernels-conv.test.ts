import { describe, expect, it } from 'vitest';
import { conv2dWithBias } from '../src/index';
import { initBackend, tf } from './backend';
import { maxRelativeError, onBackend } from './backend-compare';

type Padding = 'valid' | 'same';
type Shape4 = [number, number, number, number];

interface ConvCase {
  x: Shape4;
  kernel: number;
  stride: 1 | 2;
  pad: Padding;
  outChannels: number;
}

// Batch, odd/even/non-square sizes, 1/3/5 kernels, 1 and many channels, both strides, both paddings.
const CASES: ConvCase[] = [];
for (const x of [
  [2, 7, 7, 1],
  [3, 8, 9, 3],
  [2, 12, 12, 8],
] as Shape4[]) {
  for (const kernel of [1, 3, 5]) {
    for (const stride of [1, 2] as const) {
      for (const pad of ['valid', 'same'] as const) {
        for (const outChannels of [1, 4, 16]) CASES.push({ x, kernel, stride, pad, outChannels });
      }
    }
  }
}
// The zoo's layer shapes (S4's SIMD filter-gradient GEMM: blocks of 8 output channels plus a
// last block of 4, taps not a multiple of 4) and a larger batch.
CASES.push(
  { x: [5, 28, 28, 1], kernel: 3, stride: 1, pad: 'valid', outChannels: 8 },
  { x: [3, 26, 26, 8], kernel: 3, stride: 1, pad: 'valid', outChannels: 12 },
  { x: [3, 11, 11, 16], kernel: 3, stride: 1, pad: 'valid', outChannels: 12 },
  { x: [4, 13, 13, 32], kernel: 3, stride: 1, pad: 'same', outChannels: 20 },
  { x: [33, 9, 9, 12], kernel: 3, stride: 2, pad: 'same', outChannels: 12 },
);
// Channel counts that are not a multiple of 4 (S4's GEMMs shift their last block of 4 back to
// the last channel; below 4 tfjs's kernels run), as output and as input channels: seed-arch2's
// 32 → 10 and 10 → 10 layers, and 2, 3, 5, 6, 7, 9 channels with both strides and paddings.
CASES.push(
  { x: [3, 12, 12, 32], kernel: 3, stride: 1, pad: 'valid', outChannels: 10 },
  { x: [4, 5, 5, 10], kernel: 3, stride: 1, pad: 'valid', outChannels: 10 },
  { x: [4, 3, 3, 10], kernel: 3, stride: 1, pad: 'valid', outChannels: 10 },
);
for (const [i, outChannels] of [2, 3, 5, 6, 7, 9].entries()) {
  CASES.push(
    { x: [3, 8, 9, 6], kernel: 3, stride: 1, pad: i % 2 ? 'same' : 'valid', outChannels },
    { x: [2, 9, 8, 5], kernel: 3, stride: 2, pad: i % 2 ? 'valid' : 'same', outChannels },
  );
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

function outputShape(c: ConvCase): Shape4 {
  const [n, h, w] = c.x;
  const size = (len: number) =>
    c.pad === 'same' ? Math.ceil(len / c.stride) : Math.ceil((len - c.kernel + 1) / c.stride);
  return [n, size(h), size(w), c.outChannels];
}

function filterShape(c: ConvCase): Shape4 {
  return [c.kernel, c.kernel, c.x[3], c.outChannels];
}

function backpropFilter(c: ConvCase, x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: [c.stride, c.stride],
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape: filterShape(c),
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

function backpropInput(c: ConvCase, dy: tf.Tensor, filter: tf.Tensor): tf.Tensor {
  return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
    strides: [c.stride, c.stride],
    pad: c.pad,
    dataFormat: 'NHWC',
    inputShape: c.x,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

const label = (c: ConvCase) =>
  `x ${c.x.join('×')}, ${c.kernel}×${c.kernel}→${c.outChannels}, stride ${c.stride}, ${c.pad}`;

describe('wasm Conv2D, Conv2DBackpropFilter and Conv2DBackpropInput match the cpu backend', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    await initBackend({ backend: 'cpu' });
    const x = seeded(c.x, 1);
    const dy = seeded(outputShape(c), 2);
    const filter = seeded(filterShape(c), 3);

    const yCpu = await onBackend('cpu', () =>
      tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.stride, c.pad),
    );
    const yWasm = await onBackend('wasm', () =>
      tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, c.stride, c.pad),
    );
    expect(maxRelativeError(yWasm, yCpu)).toBeLessThanOrEqual(1e-5);

    const dwCpu = await onBackend('cpu', () => backpropFilter(c, x, dy));
    const dwWasm = await onBackend('wasm', () => backpropFilter(c, x, dy));
    expect(maxRelativeError(dwWasm, dwCpu)).toBeLessThanOrEqual(1e-4);

    const dxCpu = await onBackend('cpu', () => backpropInput(c, dy, filter));
    const dxWasm = await onBackend('wasm', () => backpropInput(c, dy, filter));
    expect(maxRelativeError(dxWasm, dxCpu)).toBeLessThanOrEqual(1e-4);
    tf.dispose([x, dy, filter]);
  });
});

it('wasm Conv2D with dilation and explicit asymmetric padding matches the cpu backend', async () => {
  await initBackend({ backend: 'cpu' });
  const x = seeded([3, 11, 10, 5], 4) as tf.Tensor4D;
  const filter = seeded([3, 2, 5, 8], 5) as tf.Tensor4D;
  const run = () =>
    tf.conv2d(
      x,
      filter,
      1,
      [
        [0, 0],
        [2, 0],
        [1, 3],
        [0, 0],
      ],
      'NHWC',
      [2, 3],
    );
  const yCpu = await onBackend('cpu', run);
  const yWasm = await onBackend('wasm', run);
  expect(maxRelativeError(yWasm, yCpu)).toBeLessThanOrEqual(1e-5);
  tf.dispose([x, filter]);
});

describe('wasm conv gradients match central finite differences', () => {
  // The loss Σ conv2d(x, w) · r is linear in x and in w, so central differences have no
  // truncation error; what is left is float32 rounding of the forward passes.
  const FD_CASES = CASES.filter(
    (c) => (c.outChannels === 4 || (c.outChannels === 10 && c.x[1] === 5)) && c.kernel === 3,
  );

  it.each(FD_CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    await initBackend({ backend: 'wasm' });
    const x = seeded(c.x, 4);
    const w = seeded(filterShape(c), 5);
    const r = seeded(outputShape(c), 6);
    const loss = (xv: tf.Tensor, wv: tf.Tensor) =>
      tf.tidy(() =>
        tf.sum(tf.mul(tf.conv2d(xv as tf.Tensor4D, wv as tf.Tensor4D, c.stride, c.pad), r)),
      );
    const [gx, gw] = tf.grads((xv: tf.Tensor, wv: tf.Tensor) => loss(xv, wv))([x, w]) as [
      tf.Tensor,
      tf.Tensor,
    ];
    const gxValues = gx.dataSync();
    const gwValues = gw.dataSync();
    const h = 0.25;
    const probe = async (target: tf.Tensor, grad: Float32Array, which: 'x' | 'w') => {
      const base = target.dataSync().slice();
      const step = Math.max(1, Math.floor(base.length / 23));
      for (let i = 0; i < base.length; i += step) {
        const shifted = (delta: number) => {
          const values = base.slice();
          values[i] = values[i]! + delta;
          const t = tf.tensor(values, target.shape);
          const l = which === 'x' ? loss(t, w) : loss(x, t);
          const v = l.dataSync()[0]!;
          tf.dispose([t, l]);
          return v;
        };
        const fd = (shifted(h) - shifted(-h)) / (2 * h);
        expect(Math.abs(fd - grad[i]!), `${which}[${i}]`).toBeLessThanOrEqual(
          1e-3 * (1 + Math.abs(grad[i]!)),
        );
      }
    };
    await probe(x, gxValues as Float32Array, 'x');
    await probe(w, gwValues as Float32Array, 'w');
    tf.dispose([x, w, r, gx, gw]);
  });
});

describe('a conv with its bias fused (FusedConv2D) matches conv + add', () => {
  // S4's GEMM starts from the bias for 4+ output channels; 2 channels go to tfjs's FusedConv2D.
  const FUSED_CASES = CASES.filter(
    (c) =>
      c.kernel === 3 &&
      (c.outChannels === 2 || c.outChannels === 10 || c.outChannels === 12 || c.x[3] === 8),
  );
  type Path = 's4' | 'tfjs' | 'unfused';

  it.each(FUSED_CASES.map((c) => [label(c), c] as const))('%s', async (_name, c) => {
    await initBackend({ backend: 'cpu' });
    const x = seeded(c.x, 7);
    const filter = seeded(filterShape(c), 8);
    const bias = seeded([c.outChannels], 9);
    const r = seeded(outputShape(c), 10);
    // S4's op (what Conv2d runs), tfjs's tf.fused.conv2d (its own gradient), or conv + add.
    const forward = (how: Path, xv: tf.Tensor, fv: tf.Tensor, bv: tf.Tensor) => {
      const x4 = xv as tf.Tensor4D;
      const f4 = fv as tf.Tensor4D;
      if (how === 's4') {
        return conv2dWithBias(x4, f4, bv as tf.Tensor1D, [c.stride, c.stride], c.pad);
      }
      if (how === 'tfjs') {
        return tf.fused.conv2d({ x: x4, filter: f4, strides: c.stride, pad: c.pad, bias: bv });
      }
      return tf.add(tf.conv2d(x4, f4, c.stride, c.pad), bv);
    };
    // The output, then the gradients for x, the filter and the bias of Σ conv(x)·r.
    const run = (how: Path) => () =>
      tf.tidy(() => {
        const f = (xv: tf.Tensor, fv: tf.Tensor, bv: tf.Tensor) =>
          tf.sum(tf.mul(forward(how, xv, fv, bv), r));
        const grads = tf.grads(f)([x, filter, bias]);
        return tf.concat([forward(how, x, filter, bias), ...grads].map((t) => t.flatten()));
      });
    const reference = await onBackend('cpu', run('unfused'));
    const unfusedWasm = await onBackend('wasm', run('unfused'));
    for (const how of ['s4', 'tfjs'] as const) {
      const onCpu = await onBackend('cpu', run(how));
      expect(maxRelativeError(onCpu, reference), `${how} cpu`).toBeLessThanOrEqual(1e-5);
      const onWasm = await onBackend('wasm', run(how));
      expect(maxRelativeError(onWasm, reference), `${how} wasm`).toBeLessThanOrEqual(1e-4);
      // On wasm all paths share the backward kernels: the results agree to rounding.
      expect(maxRelativeError(onWasm, unfusedWasm), `${how} wasm`).toBeLessThanOrEqual(1e-5);
    }
    tf.dispose([x, filter, bias, r]);
  });

  it("computes no input gradient the tape does not need (a network's first layer)", async () => {
    await initBackend({ backend: 'wasm' });
    const x = seeded([2, 8, 8, 3], 11) as tf.Tensor4D;
    const filter = tf.variable(seeded([3, 3, 3, 8], 12)) as tf.Variable<tf.Rank.R4>;
    const bias = tf.variable(seeded([8], 13)) as tf.Variable<tf.Rank.R1>;
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.sum(tf.square(conv2dWithBias(x, filter, bias, [1, 1], 'valid'))),
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    const names = profile.kernels.map((k) => k.name);
    expect(names).toContain('FusedConv2D');
    expect(names).toContain('Conv2DBackpropFilter');
    expect(names).not.toContain('Conv2DBackpropInput');
    expect(names).not.toContain('Add');
    tf.dispose([x, filter, bias]);
  });
});
