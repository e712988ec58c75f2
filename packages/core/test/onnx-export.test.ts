import { Rng } from '@s4/runtime';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  exportOnnx,
  ONNX_OPSET,
  OnnxExportError,
  type OnnxExportSource,
  type OnnxWeight,
} from '../src/onnx/index';
import {
  fromArchitecture,
  initBackend,
  type LayerSpec,
  MNIST_NORMALIZATION,
  normalizePixels,
  type Sequential,
} from '../src/public-api';
import { loadSubset } from './mnist';

const { onnx } = onnxProto;

/** Every layer type; conv padding as an integer and TensorFlow's asymmetric 'same' at stride 2. */
const EVERY_LAYER: LayerSpec[] = [
  {
    type: 'conv2d',
    name: '0',
    inChannels: 1,
    outChannels: 8,
    kernelSize: [3, 3],
    stride: [1, 1],
    padding: 1,
    bias: true,
  },
  { type: 'batchnorm2d', name: '1', numFeatures: 8, eps: 1e-5, momentum: 0.1 },
  { type: 'relu', name: '2' },
  { type: 'maxpool2d', name: '3', kernelSize: [2, 2], stride: [2, 2], padding: 'valid' },
  {
    type: 'conv2d',
    name: '4',
    inChannels: 8,
    outChannels: 8,
    kernelSize: [3, 3],
    stride: [2, 2],
    padding: 'same',
    bias: false,
  },
  { type: 'avgpool2d', name: '5', kernelSize: [2, 2], stride: [1, 1], padding: 'valid' },
  { type: 'dropout', name: '6', p: 0.25 },
  {
    type: 'conv2d',
    name: '7',
    inChannels: 8,
    outChannels: 16,
    kernelSize: [1, 1],
    stride: [1, 1],
    padding: 'valid',
    bias: true,
  },
  { type: 'gap', name: '8' },
  { type: 'flatten', name: '9' },
  { type: 'linear', name: '10', inFeatures: 16, outFeatures: 12, bias: true },
  { type: 'batchnorm1d', name: '11', numFeatures: 12, eps: 1e-3, momentum: 0.1 },
  { type: 'relu', name: '12', functional: true },
  { type: 'linear', name: '13', inFeatures: 12, outFeatures: 10, bias: false },
  { type: 'logsoftmax', name: '14', functional: true },
];

/**
 * A flatten of a feature map (order h, w, c) into a linear layer, 'same' pools with odd sizes
 * (TensorFlow puts the extra padding bottom/right; avg pools leave it out of the mean), and no
 * log-softmax, so the output is logits.
 */
const FLATTEN_AND_SAME_POOLS: LayerSpec[] = [
  {
    type: 'conv2d',
    name: '0',
    inChannels: 1,
    outChannels: 4,
    kernelSize: [5, 5],
    stride: [2, 2],
    padding: 'same',
    bias: true,
  },
  { type: 'relu', name: '1' },
  { type: 'maxpool2d', name: '2', kernelSize: [3, 3], stride: [2, 2], padding: 'same' },
  { type: 'avgpool2d', name: '3', kernelSize: [2, 2], stride: [2, 2], padding: 'same' },
  {
    type: 'conv2d',
    name: '4',
    inChannels: 4,
    outChannels: 6,
    kernelSize: [2, 2],
    stride: [1, 1],
    padding: 'valid',
    bias: true,
  },
  { type: 'flatten', name: '5' },
  { type: 'linear', name: '6', inFeatures: 54, outFeatures: 10, bias: true },
];

/** The network with every tensor random, BatchNorm's running statistics included. */
function randomNetwork(architecture: LayerSpec[], seed: number): Sequential {
  const model = fromArchitecture(architecture, { seed });
  const rng = new Rng(seed);
  const state = new Map<string, tf.Tensor>();
  for (const [name, v] of model.stateDict()) {
    if (v.dtype !== 'float32') continue;
    const [lo, hi] = name.endsWith('running_var')
      ? [0.5, 2]
      : name.endsWith('.weight') && v.rank === 1
        ? [0.5, 1.5]
        : [-0.5, 0.5];
    state.set(
      name,
      tf.tensor(
        Float32Array.from({ length: v.size }, () => rng.uniform(lo, hi)),
        v.shape,
      ),
    );
  }
  model.loadStateDict(state, { strict: false });
  tf.dispose([...state.values()]);
  return model.eval();
}

function sourceOf(model: Sequential, architecture: LayerSpec[]): OnnxExportSource {
  return { architecture, weights: model.stateDict(), normalization: MNIST_NORMALIZATION };
}

/** The images as float32 pixels NCHW (C = 1, so the same bytes as NHWC). */
function pixelsOf(images: Uint8Array): Float32Array {
  return Float32Array.from(images);
}

function tfOutput(model: Sequential, images: Uint8Array, count: number): Float32Array {
  const normalized = normalizePixels(images, MNIST_NORMALIZATION);
  return tf.tidy(
    () => model.call(tf.tensor4d(normalized, [count, 28, 28, 1])).dataSync() as Float32Array,
  );
}

async function ortOutput(bytes: Uint8Array, input: Float32Array, count: number) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const result = await session.run({
      input: new ort.Tensor('float32', input, [count, 1, 28, 28]),
    });
    const name = session.outputNames[0] as string;
    return { name, data: result[name]?.data as Float32Array, dims: result[name]?.dims };
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++)
    max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

const COUNT = 64;
let images: Uint8Array;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  images = (await loadSubset('test', COUNT)).images.subarray(0, COUNT * 784);
});

describe('exportOnnx, run by onnxruntime-node', () => {
  it.each([
    ['every layer type', EVERY_LAYER, 'log_probs', [COUNT, 10]],
    [
      'a flatten of a feature map and same-padded pools',
      FLATTEN_AND_SAME_POOLS,
      'logits',
      [COUNT, 10],
    ],
  ] as const)(
    '%s: the same outputs as S4 on real MNIST digits (to 1e-4)',
    async (_, architecture, outputName, dims) => {
      const model = randomNetwork([...architecture], 7);
      try {
        const bytes = exportOnnx(sourceOf(model, [...architecture]));
        const expected = tfOutput(model, images, COUNT);
        const got = await ortOutput(bytes, pixelsOf(images), COUNT);
        expect(got.name).toBe(outputName);
        expect(got.dims).toEqual(dims);
        // Random weights give outputs of several units: a real mismatch is far above this.
        expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.5);
        expect(maxAbsDiff(got.data, expected)).toBeLessThan(1e-4);
      } finally {
        model.dispose();
      }
    },
  );

  it('takes normalised input with { input: "normalized" }', async () => {
    const model = randomNetwork(EVERY_LAYER, 11);
    try {
      const bytes = exportOnnx(sourceOf(model, EVERY_LAYER), { input: 'normalized' });
      const normalized = normalizePixels(images, MNIST_NORMALIZATION);
      const got = await ortOutput(bytes, normalized, COUNT);
      expect(maxAbsDiff(got.data, tfOutput(model, images, COUNT))).toBeLessThan(1e-4);
      // Fed pixels instead, it is a different function: the input contract matters.
      const wrong = await ortOutput(bytes, pixelsOf(images), COUNT);
      expect(maxAbsDiff(wrong.data, got.data)).toBeGreaterThan(0.1);
    } finally {
      model.dispose();
    }
  });

  it('writes opset 13, an NCHW input with a free batch size, inference-mode BatchNorm and no Dropout', () => {
    const model = randomNetwork(EVERY_LAYER, 3);
    try {
      const decoded = onnx.ModelProto.decode(exportOnnx(sourceOf(model, EVERY_LAYER)));
      expect(decoded.opsetImport.map((o) => Number(o.version))).toEqual([ONNX_OPSET]);
      expect(ONNX_OPSET).toBe(13);
      const input = decoded.graph?.input?.[0];
      expect(input?.name).toBe('input');
      const dims = input?.type?.tensorType?.shape?.dim?.map(
        (d) => d.dimParam || Number(d.dimValue),
      );
      expect(dims).toEqual(['N', 1, 28, 28]);
      const ops = decoded.graph?.node?.map((n) => n.opType) ?? [];
      expect(ops).not.toContain('Dropout');
      expect(ops.filter((op) => op === 'BatchNormalization')).toHaveLength(2);
      expect(ops.slice(0, 3)).toEqual(['Div', 'Sub', 'Div']);
      const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
      expect(JSON.parse(meta['s4.normalization'] as string)).toEqual({ mean: 0.1307, std: 0.3081 });
      // Every weight is stored once, in float32: 4 bytes per value.
      const stored = decoded.graph?.initializer?.reduce(
        (sum, t) => sum + (t.rawData?.length ?? 0),
        0,
      );
      const scalars = 3; // 255, mean and std
      expect(stored).toBe(
        4 * (model.parameters().reduce((s, v) => s + v.size, 0) + 2 * (8 + 12) + scalars),
      );
    } finally {
      model.dispose();
    }
  });
});

describe('exportOnnx refuses bad input with an OnnxExportError naming what is wrong', () => {
  const conv: LayerSpec = {
    type: 'conv2d',
    name: '0',
    inChannels: 1,
    outChannels: 2,
    kernelSize: [3, 3],
    stride: [1, 1],
    padding: 'valid',
    bias: false,
  };
  const weight = (shape: number[], fill = 0.1): OnnxWeight => ({
    shape,
    values: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill),
  });
  const base = (): OnnxExportSource => ({
    architecture: [conv, { type: 'flatten', name: '1' }],
    weights: { '0.weight': weight([3, 3, 1, 2]) },
    normalization: MNIST_NORMALIZATION,
  });
  const refuse = (source: OnnxExportSource, code: string, message: RegExp, options = {}) => {
    try {
      exportOnnx(source, options);
    } catch (error) {
      expect(error).toBeInstanceOf(OnnxExportError);
      expect((error as OnnxExportError).code).toBe(code);
      expect((error as Error).message).toMatch(message);
      return;
    }
    throw new Error('exportOnnx accepted bad input');
  };

  it('accepts the valid base case', () => {
    expect(exportOnnx(base()).length).toBeGreaterThan(100);
  });
  it('a missing tensor', () => {
    refuse(
      { ...base(), weights: {} },
      'BAD_WEIGHTS',
      /architecture\[0\] \(conv2d\) needs the tensor "0.weight", which is missing/,
    );
  });
  it('a tensor of the wrong shape', () => {
    refuse(
      { ...base(), weights: { '0.weight': weight([2, 1, 3, 3]) } },
      'BAD_WEIGHTS',
      /"0.weight" must have shape \[3, 3, 1, 2\], found \[2, 1, 3, 3\]/,
    );
  });
  it('a non-finite weight', () => {
    const values = new Float32Array(18).fill(0.1);
    values[5] = Number.NaN;
    const w = { shape: [3, 3, 1, 2], values };
    refuse(
      { ...base(), weights: { '0.weight': w } },
      'BAD_WEIGHTS',
      /"0.weight" holds NaN at flat index 5/,
    );
  });
  it('a tensor no layer uses', () => {
    refuse(
      { ...base(), weights: { '0.weight': weight([3, 3, 1, 2]), '7.bias': weight([2]) } },
      'BAD_WEIGHTS',
      /no layer of the architecture uses: 7.bias/,
    );
  });
  it('sizes that do not chain', () => {
    refuse(
      { ...base(), architecture: [{ ...conv, inChannels: 3 }] },
      'BAD_ARCHITECTURE',
      /"inChannels" is 3, but its input is a feature map of 1 channels, 28×28/,
    );
    refuse(
      {
        ...base(),
        architecture: [
          { type: 'linear', name: '0', inFeatures: 784, outFeatures: 10, bias: false },
        ],
      },
      'BAD_ARCHITECTURE',
      /architecture\[0\] \(linear\) expects features \[N, F\]/,
    );
  });
  it('an unknown layer type or a malformed size', () => {
    refuse(
      { ...base(), architecture: [{ type: 'softmax', name: '0' } as unknown as LayerSpec] },
      'BAD_ARCHITECTURE',
      /architecture\[0\]: unknown layer type "softmax"/,
    );
    refuse(
      { ...base(), architecture: [{ ...conv, kernelSize: [3] as unknown as [number, number] }] },
      'BAD_ARCHITECTURE',
      /"kernelSize" must be \[height, width\]/,
    );
  });
  it('a bad normalisation, input shape or option', () => {
    refuse(
      { ...base(), normalization: { mean: 0.1, std: 0 } },
      'BAD_ARGUMENT',
      /normalization must be/,
    );
    refuse(
      { ...base(), inputShape: [28, 28] },
      'BAD_ARGUMENT',
      /inputShape must be three positive integers/,
    );
    refuse(base(), 'BAD_ARGUMENT', /options.input must be "pixels" or "normalized", got "raw"/, {
      input: 'raw',
    });
  });
});
