import { ArchitectureError } from './errors';
import { architectureShapes } from './layer-shapes';
import type { LayerSpec } from './layer-spec';

/** Every layer type a model file may use, with the fields each takes (`type` and `name` aside). */
export const LAYER_FIELDS = {
  conv2d: ['inChannels', 'outChannels', 'kernelSize', 'stride', 'padding', 'bias'],
  batchnorm2d: ['numFeatures', 'eps', 'momentum'],
  batchnorm1d: ['numFeatures', 'eps', 'momentum'],
  linear: ['inFeatures', 'outFeatures', 'bias'],
  maxpool2d: ['kernelSize', 'stride', 'padding', 'functional'],
  avgpool2d: ['kernelSize', 'stride', 'padding', 'functional'],
  dropout: ['p', 'functional'],
  relu: ['functional'],
  gap: ['functional'],
  flatten: ['functional'],
  logsoftmax: ['functional'],
} as const satisfies Record<LayerSpec['type'], readonly string[]>;

/** Number of classes the network must score (the ten digits). */
export const NUM_CLASSES = 10;

type LayerType = keyof typeof LAYER_FIELDS;
const TYPES = Object.keys(LAYER_FIELDS) as LayerType[];

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}

/** One layer's fields checked and its defaults filled in (PyTorch's), as @s4/core builds it. */
function normalizeLayer(spec: unknown, index: number): LayerSpec {
  const at = `architecture[${index}]`;
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ArchitectureError(
      'NOT_AN_ARCHITECTURE',
      `${at}: expected a layer object like {"type": "conv2d", …}, found ${describe(spec)}`,
      { index },
    );
  }
  const s = spec as Record<string, unknown>;
  if (typeof s.type !== 'string' || !(TYPES as string[]).includes(s.type)) {
    throw new ArchitectureError(
      'UNKNOWN_LAYER_TYPE',
      `${at}: unknown layer type ${describe(s.type)}; expected one of ${TYPES.join(', ')}`,
      { index, field: 'type' },
    );
  }
  const type = s.type as LayerType;
  const where = `${at} (${type})`;
  const fail = (field: string, expected: string): never => {
    throw new ArchitectureError(
      'BAD_FIELD',
      `${where}: ${field} must be ${expected}, found ${describe(s[field])}`,
      { index, layerType: type, field },
    );
  };
  const allowed: readonly string[] = LAYER_FIELDS[type];
  for (const field of Object.keys(s)) {
    if (field !== 'type' && field !== 'name' && !allowed.includes(field)) {
      throw new ArchitectureError(
        'BAD_FIELD',
        `${where}: unknown field "${field}"; a ${type} layer takes ${allowed.length > 0 ? allowed.join(', ') : 'no fields'}`,
        { index, layerType: type, field },
      );
    }
  }
  if (s.name !== undefined && s.name !== String(index)) {
    fail('name', `"${index}" (its position) or left out`);
  }
  const name = String(index);
  const int = (field: string): number => {
    const v = s[field];
    return typeof v === 'number' && Number.isInteger(v) && v >= 1
      ? v
      : fail(field, 'an integer ≥ 1');
  };
  const pair = (field: string, fallback?: [number, number]): [number, number] => {
    const v = s[field] ?? fallback;
    const ok = (d: unknown): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 1;
    if (ok(v)) return [v, v];
    if (Array.isArray(v) && v.length === 2 && ok(v[0]) && ok(v[1])) return [v[0], v[1]];
    return fail(field, 'an integer ≥ 1 or [height, width]');
  };
  const bool = (field: string, fallback: boolean): boolean => {
    const v = s[field] ?? fallback;
    return typeof v === 'boolean' ? v : fail(field, 'true or false');
  };
  const num = (field: string, fallback: number, ok: (v: number) => boolean, range: string) => {
    const v = s[field] ?? fallback;
    return typeof v === 'number' && ok(v) ? v : fail(field, range);
  };
  const functional = s.functional === undefined ? {} : { functional: bool('functional', false) };
  const poolPadding = (): 'valid' | 'same' => {
    const v = s.padding ?? 'valid';
    return v === 'valid' || v === 'same' ? v : fail('padding', '"valid" or "same"');
  };
  switch (type) {
    case 'conv2d': {
      const padding = s.padding ?? 0;
      if (
        padding !== 'valid' &&
        padding !== 'same' &&
        !(typeof padding === 'number' && Number.isInteger(padding) && padding >= 0)
      ) {
        fail('padding', '"valid", "same" or an integer ≥ 0');
      }
      return {
        type,
        name,
        inChannels: int('inChannels'),
        outChannels: int('outChannels'),
        kernelSize: pair('kernelSize'),
        stride: pair('stride', [1, 1]),
        padding: padding as number | 'valid' | 'same',
        bias: bool('bias', true),
      };
    }
    case 'batchnorm2d':
    case 'batchnorm1d':
      return {
        type,
        name,
        numFeatures: int('numFeatures'),
        eps: num('eps', 1e-5, (v) => v > 0, 'a number > 0'),
        momentum: num('momentum', 0.1, (v) => v >= 0 && v <= 1, 'a number in [0, 1]'),
      };
    case 'linear':
      return {
        type,
        name,
        inFeatures: int('inFeatures'),
        outFeatures: int('outFeatures'),
        bias: bool('bias', true),
      };
    case 'maxpool2d':
    case 'avgpool2d': {
      const kernelSize = pair('kernelSize');
      return {
        type,
        name,
        kernelSize,
        stride: pair('stride', kernelSize),
        padding: poolPadding(),
        ...functional,
      };
    }
    case 'dropout':
      return {
        type,
        name,
        p: num('p', 0.5, (v) => v >= 0 && v <= 1, 'a probability in [0, 1]'),
        ...functional,
      };
    default:
      return { type, name, ...functional };
  }
}

/**
 * Checks an architecture as a model file or a page gives it — every layer's fields, that each
 * layer fits what the previous one outputs for a 1×28×28 input, and that the network ends in
 * 10 class scores — and returns it with defaults filled in and layers named by position (the
 * form a checkpoint's model.json stores). Throws an ArchitectureError naming the first fault.
 */
export function validateArchitecture(architecture: unknown): LayerSpec[] {
  if (!Array.isArray(architecture) || architecture.length === 0) {
    throw new ArchitectureError(
      'NOT_AN_ARCHITECTURE',
      `architecture: expected a non-empty array of layers, found ${describe(architecture)}`,
    );
  }
  const layers = architecture.map((spec, index) => normalizeLayer(spec, index));
  const shapes = architectureShapes(layers);
  const last = shapes[shapes.length - 1] as number[];
  if (last.length !== 1 || last[0] !== NUM_CLASSES) {
    const index = layers.length - 1;
    throw new ArchitectureError(
      'BAD_HEAD',
      `architecture[${index}] (${layers[index]?.type}): the network must end in ${NUM_CLASSES} class scores [${NUM_CLASSES}], but it outputs [${last.join(', ')}]${last.length === 3 ? ' (add a gap or flatten)' : ''}`,
      { index, layerType: layers[index]?.type },
    );
  }
  return layers;
}
