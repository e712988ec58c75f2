import { tf } from '../backend';
import { CoreError } from '../errors';
import type { Module } from './module';

/** One tensor's place in a flat Float32Array. */
export interface FlatEntry {
  name: string;
  shape: number[];
  dtype: tf.DataType;
  offset: number;
  size: number;
}

/**
 * Where every parameter (then every buffer) of a model sits in one flat Float32Array, so the
 * whole state or all gradients cross a thread boundary as a single transferable message.
 * Integer buffers (BatchNorm's `num_batches_tracked`) travel as floats: exact below 2^24.
 */
export interface FlatLayout {
  parameters: FlatEntry[];
  buffers: FlatEntry[];
  /** Floats of all parameters (the gradient array's length). */
  parameterSize: number;
  /** Floats of parameters and buffers together. */
  stateSize: number;
}

export function flatLayout(model: Module): FlatLayout {
  let offset = 0;
  const entry = ([name, v]: [string, tf.Variable]): FlatEntry => {
    const e = { name, shape: [...v.shape], dtype: v.dtype, offset, size: v.size };
    offset += v.size;
    return e;
  };
  const parameters = model.namedParameters().map(entry);
  const parameterSize = offset;
  const buffers = model.namedBuffers().map(entry);
  return { parameters, buffers, parameterSize, stateSize: offset };
}

/** Throws unless two layouts describe the same tensors (a worker built another network). */
export function assertSameLayout(expected: FlatLayout, found: FlatLayout, where: string): void {
  const describe = (l: FlatLayout) =>
    [...l.parameters, ...l.buffers].map((e) => `${e.name}[${e.shape.join(',')}]`).join(' ');
  if (describe(expected) !== describe(found)) {
    throw new CoreError(
      'WORKER_FAILED',
      `${where}: the worker's model has tensors ${describe(found)}, expected ${describe(expected)}`,
    );
  }
}

/** Parameters then buffers, copied into one new Float32Array. */
export function readState(model: Module, layout: FlatLayout): Float32Array {
  const out = new Float32Array(layout.stateSize);
  const variables = [...model.namedParameters(), ...model.namedBuffers()];
  const entries = [...layout.parameters, ...layout.buffers];
  variables.forEach(([, v], i) => {
    out.set(v.dataSync(), entries[i]!.offset);
  });
  return out;
}

/** The parameters alone (the first `parameterSize` floats of `readState`), in a new array. */
export function readParameters(model: Module, layout: FlatLayout): Float32Array {
  const out = new Float32Array(layout.parameterSize);
  model.namedParameters().forEach(([, v], i) => {
    out.set(v.dataSync(), layout.parameters[i]!.offset);
  });
  return out;
}

/** The buffers alone (a view into a fresh array, offsets as in the layout minus parameterSize). */
export function readBuffers(model: Module, layout: FlatLayout): Float32Array {
  const out = new Float32Array(layout.stateSize - layout.parameterSize);
  model.namedBuffers().forEach(([, v], i) => {
    out.set(v.dataSync(), layout.buffers[i]!.offset - layout.parameterSize);
  });
  return out;
}

function assign(variable: tf.Variable, entry: FlatEntry, values: Float32Array): void {
  const data = entry.dtype === 'int32' ? Int32Array.from(values, Math.round) : values;
  tf.tidy(() => variable.assign(tf.tensor(data, entry.shape, entry.dtype)));
}

/** Loads parameters and buffers from `state` (laid out by `readState`). */
export function writeState(model: Module, layout: FlatLayout, state: Float32Array): void {
  writeParameters(model, layout, state);
  writeBuffers(model, layout, state.subarray(layout.parameterSize));
}

/** Loads the parameters alone from `params` (the first `parameterSize` floats of a state). */
export function writeParameters(model: Module, layout: FlatLayout, params: Float32Array): void {
  model.namedParameters().forEach(([, v], i) => {
    const e = layout.parameters[i]!;
    assign(v, e, params.subarray(e.offset, e.offset + e.size));
  });
}

/** Loads the buffers from `buffers` (laid out by `readBuffers`). */
export function writeBuffers(model: Module, layout: FlatLayout, buffers: Float32Array): void {
  model.namedBuffers().forEach(([, v], i) => {
    const e = layout.buffers[i]!;
    const start = e.offset - layout.parameterSize;
    assign(v, e, buffers.subarray(start, start + e.size));
  });
}

/** Gradients by parameter name packed in layout order (a missing gradient counts as zero). */
export function packGradients(
  grads: ReadonlyMap<string, tf.Tensor>,
  layout: FlatLayout,
): Float32Array {
  const out = new Float32Array(layout.parameterSize);
  for (const e of layout.parameters) {
    const g = grads.get(e.name);
    if (g) out.set(g.dataSync() as Float32Array, e.offset);
  }
  return out;
}

/** The inverse of `packGradients`: one tensor per parameter; the caller owns them. */
export function unpackGradients(flat: Float32Array, layout: FlatLayout): Map<string, tf.Tensor> {
  const grads = new Map<string, tf.Tensor>();
  for (const e of layout.parameters) {
    grads.set(e.name, tf.tensor(flat.slice(e.offset, e.offset + e.size), e.shape, 'float32'));
  }
  return grads;
}
