import type { LayerSpec } from '../architecture';
import type { Normalization } from '../data/normalization';
import { OnnxExportError } from './onnx-export-error';
import { ONNX_OPSET, OnnxGraph } from './onnx-graph';

/**
 * One tensor's values: plain data, or anything with `dataSync()` — a tfjs tensor, so a model's
 * `stateDict()` can be passed as it is.
 */
export type OnnxWeight =
  | { readonly shape: readonly number[]; readonly values: ArrayLike<number> }
  | { readonly shape: readonly number[]; dataSync(): ArrayLike<number> };

/** A network as checkpoints store it (see `LayerSpec` and the checkpoint's tensor layout). */
export interface OnnxExportSource {
  architecture: readonly LayerSpec[];
  /**
   * The model's tensors by their checkpoint names (`0.weight`, `1.running_mean`, …) in the
   * checkpoint layout (NHWC: conv kernels `[kh, kw, in, out]`, linear weights `[in, out]`).
   * `*.num_batches_tracked` is ignored; any other tensor the network does not use is an error.
   */
  weights: ReadonlyMap<string, OnnxWeight> | Readonly<Record<string, OnnxWeight>>;
  /** The input normalisation the network was trained with: `(pixel/255 − mean) / std`. */
  normalization: Normalization;
  /** One input without the batch axis, as checkpoints store it: `[H, W, C]` (default `[28, 28, 1]`). */
  inputShape?: readonly number[];
}

export interface OnnxExportOptions {
  /**
   * What the model's `input` holds. `'pixels'` (default): intensities 0–255 as float32 (0 is
   * background), the normalisation is the graph's first nodes. `'normalized'`: values already
   * normalised as `(pixel/255 − mean) / std`.
   */
  input?: 'pixels' | 'normalized';
  /** The graph's name (default `"s4"`). */
  graphName?: string;
  /** Written to the model's `producer_version`. */
  producerVersion?: string;
}

/** The names and layout of what `exportOnnx` writes. */
export const ONNX_INPUT_NAME = 'input';
/** Output name when the network ends in `logsoftmax` (all zoo models do). */
export const ONNX_LOG_PROBS_NAME = 'log_probs';
/** Output name otherwise. */
export const ONNX_LOGITS_NAME = 'logits';

type FeatureMap = { rank: 4; c: number; h: number; w: number };
type Activation = FeatureMap | { rank: 2; features: number };

/**
 * Encodes a network as a standard ONNX model (opset 13, IR version 7), for onnxruntime (Node,
 * web, Python), PyTorch (through onnx2torch) and any other ONNX tool.
 *
 * - Input `input`: float32 `[N, C, H, W]` (NCHW, ONNX's convention; N is free), holding pixels
 *   0–255 or normalised values (`options.input`).
 * - Output `log_probs` `[N, classes]` when the network ends in `logsoftmax`, else `logits`;
 *   exactly what the network computes in eval mode.
 * - Inference mode: BatchNorm uses its running statistics, Dropout is left out.
 * - Kernels are transposed to ONNX's `[out, in, kh, kw]`; before a `flatten` of a feature map
 *   the graph transposes back to NHWC, so the flattened order (h, w, c) and every linear weight
 *   stay as trained. Padding is written out explicitly (`'same'` as TensorFlow pads it).
 *
 * Throws `OnnxExportError` naming the layer or tensor at fault. Browser-safe (no file system).
 */
export function exportOnnx(source: OnnxExportSource, options: OnnxExportOptions = {}): Uint8Array {
  const inputMode = options.input ?? 'pixels';
  if (inputMode !== 'pixels' && inputMode !== 'normalized') {
    throw new OnnxExportError(
      'BAD_ARGUMENT',
      `options.input must be "pixels" or "normalized", got ${JSON.stringify(inputMode)}`,
    );
  }
  const { mean, std } = checkNormalization(source.normalization);
  const [height, width, channels] = checkInputShape(source.inputShape ?? [28, 28, 1]);
  const architecture = source.architecture as readonly unknown[];
  if (!Array.isArray(architecture) || architecture.length === 0) {
    throw new OnnxExportError(
      'BAD_ARCHITECTURE',
      `architecture must be a non-empty array of layer specs, got ${JSON.stringify(architecture)}`,
    );
  }
  const weights = new WeightReader(source.weights);
  const g = new OnnxGraph();

  let x = ONNX_INPUT_NAME;
  if (inputMode === 'pixels') {
    // The formula as written, in float32, so the normalised input matches S4's to rounding.
    x = g.node('Div', [x, g.constant('pixel_scale', [], Float32Array.of(255))], 'pixels_scaled');
    x = g.node('Sub', [x, g.constant('norm_mean', [], Float32Array.of(mean))], 'pixels_centered');
    x = g.node('Div', [x, g.constant('norm_std', [], Float32Array.of(std))], 'normalized');
  }
  let act: Activation = { rank: 4, c: channels, h: height, w: width };
  let outputName = ONNX_LOGITS_NAME;
  for (const [index, raw] of architecture.entries()) {
    const spec = raw as LayerSpec;
    const at = `architecture[${index}] (${spec?.type})`;
    const name = typeof spec?.name === 'string' ? spec.name : String(index);
    checkSizes(spec, at);
    const need = (rank: 2 | 4, what: string): void => {
      if (act.rank !== rank) {
        throw new OnnxExportError(
          'BAD_ARCHITECTURE',
          `${at} expects ${what}, but the layer before it gives ${describeActivation(act)}`,
        );
      }
    };
    const channelsMatch = (field: string, value: number, expected: number): void => {
      if (value !== expected) {
        throw new OnnxExportError(
          'BAD_ARCHITECTURE',
          `${at}: "${field}" is ${value}, but its input is ${describeActivation(act)}`,
        );
      }
    };
    if (spec?.type !== 'logsoftmax' && spec?.type !== 'dropout') outputName = ONNX_LOGITS_NAME;
    switch (spec?.type) {
      case 'conv2d': {
        need(4, 'a feature map [N, C, H, W]');
        const a = act as FeatureMap;
        channelsMatch('inChannels', spec.inChannels, a.c);
        const [kh, kw] = spec.kernelSize;
        const kernel = weights.take(
          `${name}.weight`,
          [kh, kw, spec.inChannels, spec.outChannels],
          at,
        );
        const inputs = [
          x,
          g.constant(
            `${name}.weight`,
            [spec.outChannels, spec.inChannels, kh, kw],
            hwioToOihw(kernel, kh, kw, spec.inChannels, spec.outChannels),
          ),
        ];
        if (spec.bias)
          inputs.push(
            g.constant(
              `${name}.bias`,
              [spec.outChannels],
              weights.take(`${name}.bias`, [spec.outChannels], at),
            ),
          );
        const geometry = windowGeometry(a, spec.kernelSize, spec.stride, spec.padding, at);
        x = g.node('Conv', inputs, `${name}.conv`, {
          kernel_shape: spec.kernelSize,
          strides: spec.stride,
          pads: geometry.pads,
          dilations: [1, 1],
          group: 1,
        });
        act = { rank: 4, c: spec.outChannels, h: geometry.h, w: geometry.w };
        continue;
      }
      case 'batchnorm2d':
      case 'batchnorm1d': {
        const wanted = spec.type === 'batchnorm2d' ? 4 : 2;
        need(wanted, wanted === 4 ? 'a feature map [N, C, H, W]' : 'features [N, F]');
        channelsMatch('numFeatures', spec.numFeatures, act.rank === 4 ? act.c : act.features);
        const n = [spec.numFeatures];
        const param = (suffix: string) =>
          g.constant(`${name}.${suffix}`, n, weights.take(`${name}.${suffix}`, n, at));
        x = g.node(
          'BatchNormalization',
          [x, param('weight'), param('bias'), param('running_mean'), param('running_var')],
          `${name}.batchnorm`,
          { epsilon: spec.eps },
        );
        continue;
      }
      case 'linear': {
        need(2, 'features [N, F] (add a flatten or gap before it)');
        channelsMatch('inFeatures', spec.inFeatures, (act as { features: number }).features);
        const shape = [spec.inFeatures, spec.outFeatures];
        const inputs = [
          x,
          g.constant(`${name}.weight`, shape, weights.take(`${name}.weight`, shape, at)),
        ];
        if (spec.bias)
          inputs.push(
            g.constant(
              `${name}.bias`,
              [spec.outFeatures],
              weights.take(`${name}.bias`, [spec.outFeatures], at),
            ),
          );
        // Gemm computes x · W + b with W as stored, [in, out].
        x = g.node('Gemm', inputs, `${name}.gemm`);
        act = { rank: 2, features: spec.outFeatures };
        continue;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        need(4, 'a feature map [N, C, H, W]');
        const a = act as FeatureMap;
        const geometry = windowGeometry(a, spec.kernelSize, spec.stride, spec.padding, at);
        // AveragePool's default count_include_pad=0 leaves padding out of the mean, as tfjs does.
        x = g.node(spec.type === 'maxpool2d' ? 'MaxPool' : 'AveragePool', [x], `${name}.pool`, {
          kernel_shape: spec.kernelSize,
          strides: spec.stride,
          pads: geometry.pads,
        });
        act = { rank: 4, c: a.c, h: geometry.h, w: geometry.w };
        continue;
      }
      case 'dropout':
        // The identity in inference.
        continue;
      case 'relu':
        x = g.node('Relu', [x], `${name}.relu`);
        continue;
      case 'gap': {
        need(4, 'a feature map [N, C, H, W]');
        const c: number = (act as FeatureMap).c;
        x = g.node('GlobalAveragePool', [x], `${name}.pool`);
        x = g.node('Flatten', [x], `${name}.flatten`, { axis: 1 });
        act = { rank: 2, features: c };
        continue;
      }
      case 'flatten': {
        if (act.rank === 2) continue;
        const { c, h, w }: FeatureMap = act;
        // Back to NHWC first: S4 flattens in (h, w, c) order, and the next linear layer's
        // weights were trained on that order.
        x = g.node('Transpose', [x], `${name}.to_nhwc`, { perm: [0, 2, 3, 1] });
        x = g.node('Flatten', [x], `${name}.flatten`, { axis: 1 });
        act = { rank: 2, features: c * h * w };
        continue;
      }
      case 'logsoftmax':
        // Over the channels / features, as S4's last-axis log-softmax in NHWC.
        x = g.node('LogSoftmax', [x], `${name}.logsoftmax`, { axis: 1 });
        outputName = ONNX_LOG_PROBS_NAME;
        continue;
      default:
        throw new OnnxExportError(
          'BAD_ARCHITECTURE',
          `architecture[${index}]: unknown layer type ${JSON.stringify((raw as { type?: unknown })?.type)}`,
        );
    }
  }
  weights.checkAllUsed();

  let outputShape: Array<number | string>;
  if (act.rank === 4) {
    // A network that ends on a feature map returns it NHWC, as S4 does.
    x = g.node('Transpose', [x], 'output_to_nhwc', { perm: [0, 2, 3, 1] });
    outputShape = ['N', act.h, act.w, act.c];
  } else {
    outputShape = ['N', act.features];
  }
  x = g.node('Identity', [x], outputName);

  const inputDoc =
    inputMode === 'pixels'
      ? `pixel intensities 0–255 (0 = background), normalised inside as (x/255 − ${mean}) / ${std}`
      : `normalised pixels (pixel/255 − ${mean}) / ${std}`;
  return g.encode({
    graphName: options.graphName ?? 's4',
    input: { name: ONNX_INPUT_NAME, shape: ['N', channels, height, width] },
    output: { name: outputName, shape: outputShape },
    producerVersion: options.producerVersion,
    docString: `S4 network, opset ${ONNX_OPSET}. Input "${ONNX_INPUT_NAME}": float32 [N, ${channels}, ${height}, ${width}] (NCHW), ${inputDoc}. Output "${outputName}": float32 ${formatShape(outputShape)}.`,
    metadata: {
      's4.input': inputMode,
      's4.normalization': JSON.stringify({ mean, std }),
      's4.output': outputName,
    },
  });
}

/** Reads each named tensor once, checking shape and finiteness, and knows which went unused. */
class WeightReader {
  readonly #tensors: Map<string, OnnxWeight>;
  readonly #used = new Set<string>();

  constructor(weights: OnnxExportSource['weights']) {
    if (typeof weights !== 'object' || weights === null) {
      throw new OnnxExportError(
        'BAD_WEIGHTS',
        `weights must be a Map or an object of named tensors, got ${String(weights)}`,
      );
    }
    this.#tensors =
      weights instanceof Map
        ? new Map(weights)
        : new Map(Object.entries(weights as Record<string, OnnxWeight>));
  }

  take(name: string, shape: readonly number[], at: string): Float32Array {
    const tensor = this.#tensors.get(name);
    if (!tensor) {
      throw new OnnxExportError(
        'BAD_WEIGHTS',
        `${at} needs the tensor "${name}", which is missing`,
      );
    }
    if (
      !Array.isArray(tensor.shape) ||
      tensor.shape.length !== shape.length ||
      tensor.shape.some((d, i) => d !== shape[i])
    ) {
      throw new OnnxExportError(
        'BAD_WEIGHTS',
        `${at}: tensor "${name}" must have shape ${formatShape(shape)}, found ${formatShape(tensor.shape ?? [])}`,
      );
    }
    const values = 'values' in tensor ? tensor.values : tensor.dataSync();
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) {
      throw new OnnxExportError(
        'BAD_WEIGHTS',
        `${at}: tensor "${name}" of shape ${formatShape(shape)} needs ${size} values, found ${values.length}`,
      );
    }
    const out = Float32Array.from(values);
    const bad = out.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new OnnxExportError(
        'BAD_WEIGHTS',
        `${at}: tensor "${name}" holds ${out[bad]} at flat index ${bad}; an exported model needs finite weights`,
      );
    }
    this.#used.add(name);
    return out;
  }

  checkAllUsed(): void {
    const unused = [...this.#tensors.keys()].filter(
      (name) => !this.#used.has(name) && !name.endsWith('.num_batches_tracked'),
    );
    if (unused.length > 0) {
      throw new OnnxExportError(
        'BAD_WEIGHTS',
        `weights has tensors no layer of the architecture uses: ${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}`,
      );
    }
  }
}

/** `[kh, kw, in, out]` (the checkpoint's layout) → `[out, in, kh, kw]` (ONNX's). */
function hwioToOihw(
  hwio: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
): Float32Array {
  const oihw = new Float32Array(hwio.length);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          oihw[((o * cin + i) * kh + y) * kw + x] = hwio[
            ((y * kw + x) * cin + i) * cout + o
          ] as number;
        }
      }
    }
  }
  return oihw;
}

/**
 * Output size and explicit ONNX pads `[top, left, bottom, right]` of a sliding window.
 * `'same'` pads as TensorFlow does: output ⌈in / stride⌉, the odd pixel at the bottom/right.
 */
function windowGeometry(
  input: { h: number; w: number },
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padding: 'valid' | 'same' | number,
  at: string,
): { h: number; w: number; pads: number[] } {
  const axis = (size: number, k: number, s: number): [number, number, number] => {
    if (padding === 'same') {
      const out = Math.ceil(size / s);
      const total = Math.max((out - 1) * s + k - size, 0);
      return [out, Math.floor(total / 2), total - Math.floor(total / 2)];
    }
    const p = padding === 'valid' ? 0 : padding;
    return [Math.floor((size + 2 * p - k) / s) + 1, p, p];
  };
  const [h, top, bottom] = axis(input.h, kernel[0], stride[0]);
  const [w, left, right] = axis(input.w, kernel[1], stride[1]);
  if (h < 1 || w < 1) {
    throw new OnnxExportError(
      'BAD_ARCHITECTURE',
      `${at}: a ${kernel[0]}×${kernel[1]} window does not fit its ${input.h}×${input.w} input`,
    );
  }
  return { h, w, pads: [top, left, bottom, right] };
}

/** The size fields a layer's graph is built from: positive integers and `[height, width]` pairs. */
function checkSizes(spec: LayerSpec, at: string): void {
  const s = spec as unknown as Record<string, unknown>;
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const fields: Record<string, readonly string[]> = {
    conv2d: ['inChannels', 'outChannels'],
    batchnorm2d: ['numFeatures'],
    batchnorm1d: ['numFeatures'],
    linear: ['inFeatures', 'outFeatures'],
  };
  for (const field of fields[spec?.type] ?? []) {
    if (!positive(s[field])) {
      throw new OnnxExportError(
        'BAD_ARCHITECTURE',
        `${at}: "${field}" must be an integer ≥ 1, got ${JSON.stringify(s[field])}`,
      );
    }
  }
  if (['conv2d', 'maxpool2d', 'avgpool2d'].includes(spec?.type)) {
    for (const field of ['kernelSize', 'stride']) {
      const v = s[field];
      if (!Array.isArray(v) || v.length !== 2 || !v.every(positive)) {
        throw new OnnxExportError(
          'BAD_ARCHITECTURE',
          `${at}: "${field}" must be [height, width] of integers ≥ 1, got ${JSON.stringify(v)}`,
        );
      }
    }
    const p = s.padding;
    if (
      p !== 'valid' &&
      p !== 'same' &&
      !(spec.type === 'conv2d' && Number.isInteger(p) && (p as number) >= 0)
    ) {
      throw new OnnxExportError(
        'BAD_ARCHITECTURE',
        `${at}: "padding" must be "valid", "same"${spec.type === 'conv2d' ? ' or an integer ≥ 0' : ''}, got ${JSON.stringify(p)}`,
      );
    }
  }
  if (spec?.type === 'batchnorm2d' || spec?.type === 'batchnorm1d') {
    if (typeof spec.eps !== 'number' || !(spec.eps > 0)) {
      throw new OnnxExportError(
        'BAD_ARCHITECTURE',
        `${at}: "eps" must be a number > 0, got ${JSON.stringify(spec.eps)}`,
      );
    }
  }
}

function checkNormalization(n: unknown): Normalization {
  const v = n as Partial<Normalization> | null;
  if (
    typeof v?.mean !== 'number' ||
    !Number.isFinite(v.mean) ||
    typeof v.std !== 'number' ||
    !Number.isFinite(v.std) ||
    v.std <= 0
  ) {
    throw new OnnxExportError(
      'BAD_ARGUMENT',
      `normalization must be { mean: finite number, std: number > 0 }, got ${JSON.stringify(n)}`,
    );
  }
  return { mean: v.mean, std: v.std };
}

function checkInputShape(shape: readonly number[]): [number, number, number] {
  if (
    !Array.isArray(shape) ||
    shape.length !== 3 ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new OnnxExportError(
      'BAD_ARGUMENT',
      `inputShape must be three positive integers [H, W, C] like [28, 28, 1], got ${JSON.stringify(shape)}`,
    );
  }
  return shape as [number, number, number];
}

function describeActivation(act: Activation): string {
  return act.rank === 4
    ? `a feature map of ${act.c} channels, ${act.h}×${act.w}`
    : `${act.features} features`;
}

function formatShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(', ')}]`;
}
