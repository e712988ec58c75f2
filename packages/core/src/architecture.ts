import { Rng } from '@s4/runtime';
import { CoreError } from './errors';
import { AvgPool2d } from './nn/avg-pool-2d';
import { BatchNorm } from './nn/batch-norm';
import { BatchNorm1d } from './nn/batch-norm-1d';
import { BatchNorm2d } from './nn/batch-norm-2d';
import { Conv2d, type Padding } from './nn/conv2d';
import { Dropout } from './nn/dropout';
import { Flatten } from './nn/flatten';
import { GlobalAvgPool } from './nn/global-avg-pool';
import { Linear } from './nn/linear';
import { LogSoftmax } from './nn/log-softmax';
import { MaxPool2d } from './nn/max-pool-2d';
import type { Module } from './nn/module';
import { ReLU } from './nn/relu';
import { Sequential } from './nn/sequential';

/**
 * One layer of a network as plain JSON, so a network can be stored (in a checkpoint's
 * `model.json`) and rebuilt by any tool. `name` is the layer's prefix in tensor names
 * (`"3"` → `3.weight`); sizes are `[height, width]` pairs; `functional` marks layers that
 * `summary` does not list (see `FunctionalOption`).
 */
export type LayerSpec =
  | {
      type: 'conv2d';
      name: string;
      inChannels: number;
      outChannels: number;
      kernelSize: [number, number];
      stride: [number, number];
      padding: Padding;
      bias: boolean;
    }
  | {
      type: 'batchnorm2d' | 'batchnorm1d';
      name: string;
      numFeatures: number;
      eps: number;
      momentum: number;
    }
  | { type: 'linear'; name: string; inFeatures: number; outFeatures: number; bias: boolean }
  | {
      type: 'maxpool2d' | 'avgpool2d';
      name: string;
      kernelSize: [number, number];
      stride: [number, number];
      padding: 'valid' | 'same';
      functional?: boolean;
    }
  | { type: 'dropout'; name: string; p: number; functional?: boolean }
  | { type: 'relu' | 'gap' | 'flatten' | 'logsoftmax'; name: string; functional?: boolean };

export type LayerType = LayerSpec['type'];

export const LAYER_TYPES: readonly LayerType[] = [
  'conv2d',
  'batchnorm2d',
  'batchnorm1d',
  'linear',
  'maxpool2d',
  'avgpool2d',
  'dropout',
  'relu',
  'gap',
  'flatten',
  'logsoftmax',
];

/** The layer specs of a `Sequential` of built-in layers (the form checkpoints store). */
export function toArchitecture(model: Module): LayerSpec[] {
  if (!(model instanceof Sequential)) {
    throw new CoreError(
      'BAD_ARCHITECTURE',
      `Only a Sequential of built-in layers can be described as an architecture, got ${model.label}`,
    );
  }
  return model.layers.map((layer, i) => layerSpec(layer, String(i)));
}

function layerSpec(layer: Module, name: string): LayerSpec {
  const functional = layer.functional ? { functional: true } : {};
  if (layer instanceof Conv2d) {
    return {
      type: 'conv2d',
      name,
      inChannels: layer.inChannels,
      outChannels: layer.outChannels,
      ...windowSpec(layer),
      bias: layer.bias !== undefined,
    };
  }
  if (layer instanceof BatchNorm) {
    return {
      type: layer instanceof BatchNorm1d ? 'batchnorm1d' : 'batchnorm2d',
      name,
      numFeatures: layer.numFeatures,
      eps: layer.eps,
      momentum: layer.momentum,
    };
  }
  if (layer instanceof Linear) {
    return {
      type: 'linear',
      name,
      inFeatures: layer.inFeatures,
      outFeatures: layer.outFeatures,
      bias: layer.bias !== undefined,
    };
  }
  if (layer instanceof MaxPool2d || layer instanceof AvgPool2d) {
    return {
      type: layer instanceof MaxPool2d ? 'maxpool2d' : 'avgpool2d',
      name,
      ...windowSpec(layer),
      ...functional,
    };
  }
  if (layer instanceof Dropout) return { type: 'dropout', name, p: layer.p, ...functional };
  if (layer instanceof ReLU) return { type: 'relu', name, ...functional };
  if (layer instanceof GlobalAvgPool) return { type: 'gap', name, ...functional };
  if (layer instanceof Flatten) return { type: 'flatten', name, ...functional };
  if (layer instanceof LogSoftmax) return { type: 'logsoftmax', name, ...functional };
  throw new CoreError(
    'BAD_ARCHITECTURE',
    `Layer ${layer.label} has no architecture spec; use the built-in layers (${LAYER_TYPES.join(', ')})`,
  );
}

/** The sliding window of a convolution or a pooling layer, copied so the spec owns its arrays. */
function windowSpec<P>(layer: {
  kernelSize: readonly [number, number];
  stride: readonly [number, number];
  padding: P;
}): { kernelSize: [number, number]; stride: [number, number]; padding: P } {
  return { kernelSize: [...layer.kernelSize], stride: [...layer.stride], padding: layer.padding };
}

export interface FromArchitectureOptions {
  /**
   * Seeds the initial weights and, through one derived seed per Dropout, the dropout masks
   * (default 0). Irrelevant when the weights are loaded afterwards.
   */
  seed?: number;
  /**
   * The most parameters the network may have (default `MAX_PARAMETERS`), checked layer by
   * layer before anything is allocated: a typo like `outChannels: 1e9` is refused by name
   * instead of exhausting memory.
   */
  maxParameters?: number;
}

/** 50 million parameters: 200 MB of float32 weights, far beyond any MNIST network. */
export const MAX_PARAMETERS = 50_000_000;

/**
 * Builds the `Sequential` an architecture describes. Every spec is validated first; errors
 * name the layer's index, its type and the field (`architecture[3] (conv2d): "kernelSize" …`).
 */
export function fromArchitecture(
  specs: unknown,
  options: FromArchitectureOptions = {},
): Sequential {
  if (!Array.isArray(specs)) {
    throw new CoreError(
      'BAD_ARCHITECTURE',
      `architecture must be an array of layer specs, got ${describe(specs)}`,
    );
  }
  const rng = new Rng(options.seed ?? 0);
  const budget = { max: options.maxParameters ?? MAX_PARAMETERS, used: 0 };
  const layers: Module[] = [];
  try {
    specs.forEach((spec: unknown, index) => {
      layers.push(buildLayer(spec, index, rng, budget));
    });
  } catch (error) {
    for (const layer of layers) layer.dispose();
    throw error;
  }
  return new Sequential(...layers);
}

function buildLayer(
  spec: unknown,
  index: number,
  rng: Rng,
  budget: { max: number; used: number },
): Module {
  const where = `architecture[${index}]`;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new CoreError(
      'BAD_ARCHITECTURE',
      `${where} must be an object like {"type": "conv2d", …}, got ${describe(spec)}`,
    );
  }
  const s = spec as Record<string, unknown>;
  const type = s.type;
  if (typeof type !== 'string' || !LAYER_TYPES.includes(type as LayerType)) {
    throw new CoreError(
      'BAD_ARCHITECTURE',
      `${where}: unknown layer type ${describe(type)}; expected one of ${LAYER_TYPES.join(', ')}`,
    );
  }
  const at = `${where} (${type})`;
  if (s.name !== undefined && s.name !== String(index)) {
    throw new CoreError(
      'BAD_ARCHITECTURE',
      `${at}: "name" must be "${index}" (its position), got ${describe(s.name)}`,
    );
  }
  const int = (field: string, min = 1): number => {
    const v = s[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new CoreError(
        'BAD_ARCHITECTURE',
        `${at}: "${field}" must be an integer ≥ ${min}, got ${describe(v)}`,
      );
    }
    return v;
  };
  const pair = (field: string, fallback?: [number, number]): [number, number] => {
    const v = s[field] ?? fallback;
    const ok = (d: unknown) => typeof d === 'number' && Number.isInteger(d) && d > 0;
    if (ok(v)) return [v as number, v as number];
    if (Array.isArray(v) && v.length === 2 && v.every(ok)) return [v[0], v[1]];
    throw new CoreError(
      'BAD_ARCHITECTURE',
      `${at}: "${field}" must be a positive integer or [height, width], got ${describe(v)}`,
    );
  };
  const bool = (field: string, fallback: boolean): boolean => {
    const v = s[field] ?? fallback;
    if (typeof v !== 'boolean') {
      throw new CoreError(
        'BAD_ARCHITECTURE',
        `${at}: "${field}" must be true or false, got ${describe(v)}`,
      );
    }
    return v;
  };
  const num = (
    field: string,
    fallback: number,
    ok: (v: number) => boolean,
    range: string,
  ): number => {
    const v = s[field] ?? fallback;
    if (typeof v !== 'number' || !ok(v)) {
      throw new CoreError(
        'BAD_ARCHITECTURE',
        `${at}: "${field}" must be ${range}, got ${describe(v)}`,
      );
    }
    return v;
  };
  const spend = (count: number) => {
    budget.used += count;
    if (budget.used > budget.max) {
      throw new CoreError(
        'BAD_ARCHITECTURE',
        `${at}: ${count.toLocaleString('en-US')} parameters bring the network to ${budget.used.toLocaleString('en-US')}, over the budget of ${budget.max.toLocaleString('en-US')}; check its sizes`,
      );
    }
  };
  const functional = bool('functional', false);
  const poolPadding = (): 'valid' | 'same' => {
    const v = s.padding ?? 'valid';
    if (v !== 'valid' && v !== 'same') {
      throw new CoreError(
        'BAD_ARCHITECTURE',
        `${at}: "padding" must be "valid" or "same", got ${describe(v)}`,
      );
    }
    return v;
  };
  switch (type as LayerType) {
    case 'conv2d': {
      const padding = s.padding ?? 0;
      if (
        padding !== 'valid' &&
        padding !== 'same' &&
        !(Number.isInteger(padding) && (padding as number) >= 0)
      ) {
        throw new CoreError(
          'BAD_ARCHITECTURE',
          `${at}: "padding" must be "valid", "same" or an integer ≥ 0, got ${describe(padding)}`,
        );
      }
      const [kh, kw] = pair('kernelSize');
      const bias = bool('bias', true);
      spend(int('outChannels') * (int('inChannels') * kh * kw + (bias ? 1 : 0)));
      return new Conv2d(int('inChannels'), int('outChannels'), [kh, kw], {
        stride: pair('stride', [1, 1]),
        padding: padding as Padding,
        bias,
        rng,
      });
    }
    case 'batchnorm2d':
    case 'batchnorm1d': {
      const options = {
        eps: num('eps', 1e-5, (v) => v > 0, 'a number > 0'),
        momentum: num('momentum', 0.1, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
      };
      spend(4 * int('numFeatures'));
      return type === 'batchnorm2d'
        ? new BatchNorm2d(int('numFeatures'), options)
        : new BatchNorm1d(int('numFeatures'), options);
    }
    case 'linear':
      spend(int('outFeatures') * (int('inFeatures') + (bool('bias', true) ? 1 : 0)));
      return new Linear(int('inFeatures'), int('outFeatures'), { bias: bool('bias', true), rng });
    case 'maxpool2d':
    case 'avgpool2d': {
      const kernelSize = pair('kernelSize');
      const options = { stride: pair('stride', kernelSize), padding: poolPadding(), functional };
      return type === 'maxpool2d'
        ? new MaxPool2d(kernelSize, options)
        : new AvgPool2d(kernelSize, options);
    }
    case 'dropout':
      return new Dropout(
        num('p', 0.5, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]'),
        {
          rng: new Rng(rng.nextUint32()),
          functional,
        },
      );
    case 'relu':
      return new ReLU({ functional });
    case 'gap':
      return new GlobalAvgPool({ functional });
    case 'flatten':
      return new Flatten({ functional });
    case 'logsoftmax':
      return new LogSoftmax({ functional });
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}
