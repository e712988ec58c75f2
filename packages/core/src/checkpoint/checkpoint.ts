import { nodeBuiltin } from '@s4/runtime';
import {
  type FromArchitectureOptions,
  fromArchitecture,
  type LayerSpec,
  toArchitecture,
} from '../architecture';
import { tf } from '../backend';
import type { Normalization } from '../data/normalization';
import { CoreError } from '../errors';
import type { Module } from '../nn/module';
import type { Sequential } from '../nn/sequential';
import { type ReplaceFolderStep, recoverFolder, replaceFolder } from './atomic-folder';

/**
 * A checkpoint is a folder with two files any tool can read:
 *
 * - `model.json`: the network (`architecture`, see `LayerSpec`), the tensor `layout` (NHWC: conv
 *   kernels `[kh, kw, in, out]`, linear weights `[in, out]`, flatten in h, w, c order), one
 *   input's `inputShape` (`[28, 28, 1]`), the input `normalization` (`(pixel/255 − mean) / std`),
 *   optional `training` state (JSON: epoch, step,
 *   RNG states, scheduler, optimizer hyper-parameters, metrics — whatever resuming needs) and a
 *   `weightsManifest` in the tfjs format: `[{ paths: ["weights.bin"], weights: [{ name, shape,
 *   dtype, group }] }]`, with PyTorch-style names (`0.weight`, `2.running_mean`). `group` is
 *   `"model"` for the network's parameters and buffers, `"optimizer"` for extra training
 *   tensors (e.g. `optimizer.0.weight.momentum_buffer`).
 * - `weights.bin`: the tensors in manifest order, row-major, little-endian, 4 bytes per value
 *   (`float32`; only BatchNorm's `num_batches_tracked` is `int32`), nothing else.
 *
 * `examples/pytorch_from_checkpoint.py` rebuilds such a folder in PyTorch from the two files.
 */
export const CHECKPOINT_FORMAT = 's4-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  group: 'model' | 'optimizer';
}

export interface CheckpointJson {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  layout: 'NHWC';
  layoutNotes: Record<string, string>;
  /** One input without the batch axis, NHWC: `[28, 28, 1]` for MNIST. */
  inputShape: number[];
  normalization: Normalization;
  architecture: LayerSpec[];
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
  training?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface CheckpointContent {
  normalization: Normalization;
  /** One input without the batch axis, NHWC (default `[28, 28, 1]`, an MNIST digit). */
  inputShape?: readonly number[];
  /** Training state for `resume` (JSON-serialisable). */
  training?: Record<string, unknown>;
  /** Extra named tensors, e.g. optimizer state; names must not clash with the model's. */
  extraTensors?: Map<string, tf.Tensor> | Record<string, tf.Tensor>;
  /** Free-form information (model name, accuracy, …). */
  metadata?: Record<string, unknown>;
}

export interface LoadedCheckpoint {
  /** The network, rebuilt from the architecture (or the model passed in) with the weights loaded. */
  model: Sequential | Module;
  inputShape: number[];
  normalization: Normalization;
  training: Record<string, unknown> | undefined;
  metadata: Record<string, unknown> | undefined;
  /** The `optimizer` group's tensors; the caller owns (and disposes) them. */
  extraTensors: Map<string, tf.Tensor>;
  json: CheckpointJson;
}

const LAYOUT_NOTES = {
  images: '[N, H, W, C]',
  'conv2d.weight': '[kh, kw, inChannels, outChannels]',
  'linear.weight': '[inFeatures, outFeatures]',
  flatten: 'h, w, c order',
};

/** `model.json` and `weights.bin` in memory (browser-safe: no file system). */
export async function encodeCheckpoint(
  model: Module,
  content: CheckpointContent,
): Promise<{ json: CheckpointJson; weights: Uint8Array }> {
  checkNormalization(content.normalization, 'encodeCheckpoint');
  const inputShape = [...(content.inputShape ?? [28, 28, 1])];
  checkInputShape(inputShape, 'encodeCheckpoint');
  const architecture = toArchitecture(model);
  const entries: Array<[string, tf.Tensor, WeightSpec['group']]> = [];
  for (const [name, v] of model.stateDict()) entries.push([name, v, 'model']);
  const modelNames = new Set(entries.map(([n]) => n));
  const extras = content.extraTensors ?? new Map<string, tf.Tensor>();
  for (const [name, t] of extras instanceof Map ? extras : Object.entries(extras)) {
    if (modelNames.has(name)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `Extra tensor "${name}" has the same name as a model tensor`,
      );
    }
    entries.push([name, t, 'optimizer']);
  }
  const specs: WeightSpec[] = [];
  let bytes = 0;
  for (const [name, t, group] of entries) {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') {
      throw new CoreError(
        'BAD_ARGUMENT',
        `Tensor "${name}" has dtype ${t.dtype}; checkpoints store float32 or int32`,
      );
    }
    specs.push({ name, shape: [...t.shape], dtype: t.dtype, group });
    bytes += t.size * 4;
  }
  const weights = new Uint8Array(bytes);
  const view = new DataView(weights.buffer);
  let offset = 0;
  for (const [, t] of entries) {
    const values = await t.data();
    // DataView pins little-endian whatever the platform's byte order.
    for (const v of values) {
      if (t.dtype === 'int32') view.setInt32(offset, v, true);
      else view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  const json: CheckpointJson = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    layout: 'NHWC',
    layoutNotes: LAYOUT_NOTES,
    inputShape,
    normalization: { mean: content.normalization.mean, std: content.normalization.std },
    architecture,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
    ...(content.training ? { training: content.training } : {}),
    ...(content.metadata ? { metadata: content.metadata } : {}),
  };
  return { json, weights };
}

export interface DecodeOptions extends FromArchitectureOptions {
  /** Load into this model instead of building one from the architecture. */
  model?: Module;
  /** Shown in error messages (the folder). */
  source?: string;
}

/**
 * Validates `model.json` (parsed or text) and the weight bytes, rebuilds the network (or uses
 * `options.model`) and loads the weights. Every problem is a `CoreError` naming the file and
 * what was expected and found; a model passed in is untouched when loading fails.
 */
export function decodeCheckpoint(
  modelJson: unknown,
  weightFiles: Map<string, Uint8Array> | Uint8Array,
  options: DecodeOptions = {},
): LoadedCheckpoint {
  const source = options.source ? `${options.source}/` : '';
  const where = `${source}${MODEL_JSON}`;
  const bad = (message: string) => new CoreError('BAD_CHECKPOINT', `${where}: ${message}`);
  let json: unknown = modelJson;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch (error) {
      throw new CoreError(
        'BAD_CHECKPOINT',
        `${where} is not valid JSON (${(error as Error).message})`,
        {
          cause: error,
        },
      );
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw bad('expected a JSON object');
  const j = json as Record<string, unknown>;
  if (j.format !== CHECKPOINT_FORMAT) {
    throw bad(`"format" must be "${CHECKPOINT_FORMAT}", got ${JSON.stringify(j.format)}`);
  }
  if (j.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw bad(
      `"formatVersion" must be ${CHECKPOINT_FORMAT_VERSION}, got ${JSON.stringify(j.formatVersion)}`,
    );
  }
  if (j.layout !== 'NHWC') throw bad(`"layout" must be "NHWC", got ${JSON.stringify(j.layout)}`);
  checkInputShape(j.inputShape, where);
  checkNormalization(j.normalization, where);
  if (j.training !== undefined && (typeof j.training !== 'object' || j.training === null)) {
    throw bad(`"training" must be an object, got ${JSON.stringify(j.training)}`);
  }
  const manifest = j.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw bad('"weightsManifest" must be a non-empty array of { paths, weights }');
  }

  // Weight specs and their bytes, group by group.
  const files = weightFiles instanceof Map ? weightFiles : new Map([[WEIGHTS_BIN, weightFiles]]);
  const tensors: Array<{ spec: WeightSpec; bytes: Uint8Array }> = [];
  const seen = new Set<string>();
  manifest.forEach((group: unknown, g) => {
    const at = `weightsManifest[${g}]`;
    const grp = group as { paths?: unknown; weights?: unknown };
    if (
      !Array.isArray(grp?.paths) ||
      !grp.paths.every((p) => typeof p === 'string') ||
      grp.paths.length === 0
    ) {
      throw bad(`${at}.paths must be a non-empty array of file names`);
    }
    if (!Array.isArray(grp.weights)) throw bad(`${at}.weights must be an array`);
    const chunks = (grp.paths as string[]).map((path) => {
      const data = files.get(path);
      if (!data)
        throw new CoreError('BAD_CHECKPOINT', `${source}${path}: missing (listed in ${where})`);
      return data;
    });
    const total = chunks.reduce((a, c) => a + c.length, 0);
    const joined = chunks.length === 1 ? (chunks[0] as Uint8Array) : concat(chunks, total);
    let offset = 0;
    grp.weights.forEach((w: unknown, i) => {
      const spec = checkWeightSpec(w, `${at}.weights[${i}]`, bad);
      if (seen.has(spec.name)) throw bad(`tensor "${spec.name}" is listed twice`);
      seen.add(spec.name);
      const length = spec.shape.reduce((a, b) => a * b, 1) * 4;
      tensors.push({ spec, bytes: joined.subarray(offset, offset + length) });
      offset += length;
    });
    if (offset !== total) {
      throw new CoreError(
        'BAD_CHECKPOINT',
        `${source}${(grp.paths as string[]).join(' + ')}: the manifest in ${where} describes ${offset} bytes but the file has ${total}`,
      );
    }
  });

  const model = options.model ?? fromArchitecture(j.architecture, options);
  const created: tf.Tensor[] = [];
  try {
    const state = new Map<string, tf.Tensor>();
    const extraTensors = new Map<string, tf.Tensor>();
    for (const { spec, bytes } of tensors) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const count = bytes.byteLength / 4;
      const values = spec.dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
      for (let i = 0; i < count; i++) {
        values[i] =
          spec.dtype === 'int32' ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true);
        if (!Number.isFinite(values[i] as number)) {
          throw new CoreError(
            'BAD_CHECKPOINT',
            `${source}${WEIGHTS_BIN}: tensor "${spec.name}" holds ${values[i]} at index ${i}; weights must be finite numbers`,
          );
        }
      }
      const t = tf.tensor(values, spec.shape, spec.dtype);
      created.push(t);
      (spec.group === 'model' ? state : extraTensors).set(spec.name, t);
    }
    try {
      model.loadStateDict(state);
    } catch (error) {
      if (error instanceof CoreError) {
        throw new CoreError(
          error.code,
          `${source}${WEIGHTS_BIN} does not fit the model: ${error.message[0]?.toLowerCase()}${error.message.slice(1)}`,
          { cause: error },
        );
      }
      throw error;
    }
    tf.dispose([...state.values()]);
    return {
      model,
      inputShape: j.inputShape as number[],
      normalization: j.normalization as Normalization,
      training: j.training as Record<string, unknown> | undefined,
      metadata: j.metadata as Record<string, unknown> | undefined,
      extraTensors,
      json: j as unknown as CheckpointJson,
    };
  } catch (error) {
    tf.dispose(created);
    if (!options.model) model.dispose();
    throw error;
  }
}

function checkWeightSpec(w: unknown, at: string, bad: (m: string) => CoreError): WeightSpec {
  const s = w as Partial<WeightSpec> | null;
  if (typeof s?.name !== 'string' || s.name === '')
    throw bad(`${at}.name must be a non-empty string`);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw bad(
      `${at} ("${s.name}"): shape must be an array of integers ≥ 0, got ${JSON.stringify(s.shape)}`,
    );
  }
  if (s.dtype !== 'float32' && s.dtype !== 'int32') {
    throw bad(
      `${at} ("${s.name}"): dtype must be "float32" or "int32", got ${JSON.stringify(s.dtype)}`,
    );
  }
  const group = s.group ?? 'model';
  if (group !== 'model' && group !== 'optimizer') {
    throw bad(
      `${at} ("${s.name}"): group must be "model" or "optimizer", got ${JSON.stringify(group)}`,
    );
  }
  return { name: s.name, shape: s.shape, dtype: s.dtype, group };
}

function checkInputShape(shape: unknown, where: string): void {
  if (
    !Array.isArray(shape) ||
    shape.length === 0 ||
    !shape.every((d) => Number.isInteger(d) && d > 0)
  ) {
    throw new CoreError(
      where.endsWith(MODEL_JSON) ? 'BAD_CHECKPOINT' : 'BAD_ARGUMENT',
      `${where}: "inputShape" must be positive integers like [28, 28, 1] (H, W, C), got ${JSON.stringify(shape)}`,
    );
  }
}

function checkNormalization(n: unknown, where: string): void {
  const v = n as Partial<Normalization> | null;
  const ok =
    typeof v === 'object' &&
    v !== null &&
    typeof v.mean === 'number' &&
    Number.isFinite(v.mean) &&
    typeof v.std === 'number' &&
    Number.isFinite(v.std) &&
    v.std > 0;
  if (!ok) {
    throw new CoreError(
      where.endsWith(MODEL_JSON) ? 'BAD_CHECKPOINT' : 'BAD_ARGUMENT',
      `${where}: "normalization" must be { mean: finite number, std: number > 0 }, got ${JSON.stringify(n)}`,
    );
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

type Fs = typeof import('node:fs/promises');

/**
 * Reads weight file `name` of checkpoint folder `dir` only when it is a regular file inside the
 * folder of exactly `expectedBytes`: never a link out of the folder, a device (`/dev/zero`), a
 * FIFO (which would block) or a file of another size.
 */
async function readWeightFile(
  fs: Fs,
  path: Path,
  dir: string,
  name: string,
  expectedBytes: number,
): Promise<Uint8Array> {
  const file = path.join(dir, name);
  const bad = (found: string) =>
    new CoreError(
      'BAD_CHECKPOINT',
      `${file}: expected a regular file of ${expectedBytes} bytes (as the manifest in ${MODEL_JSON} describes), found ${found}`,
    );
  const info = await fs.lstat(file);
  if (info.isSymbolicLink()) {
    const [real, folder] = await Promise.all([
      fs.realpath(file).catch(() => undefined),
      fs.realpath(dir),
    ]);
    if (real === undefined) throw bad('a broken symbolic link');
    if (path.dirname(real) !== folder) throw bad('a symbolic link out of the checkpoint folder');
  } else if (!info.isFile()) {
    throw bad(info.isFIFO() ? 'a FIFO' : info.isDirectory() ? 'a folder' : 'a device or socket');
  }
  // O_NONBLOCK: opening a FIFO swapped in after the check must not block; fstat then refuses it.
  // The constants of fs/promises: a dynamic import of node:fs would break browser bundles.
  const { constants } = fs;
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw bad('something that is not a regular file');
    if (stat.size !== expectedBytes) {
      throw new CoreError(
        'BAD_CHECKPOINT',
        `${file}: the manifest in ${path.join(dir, MODEL_JSON)} describes ${expectedBytes} bytes but the file has ${stat.size}`,
      );
    }
    const bytes = new Uint8Array(expectedBytes);
    const { bytesRead } = await handle.read(bytes, 0, expectedBytes, 0);
    if (bytesRead !== expectedBytes) throw bad(`only ${bytesRead} readable bytes`);
    return bytes;
  } finally {
    await handle.close();
  }
}
type Path = typeof import('node:path');

/** Node's built-ins without a static import, so browser bundles of @s4/core never see `node:*`. */
function nodeBuiltins(what: string) {
  const fs = nodeBuiltin('node:fs/promises');
  const path = nodeBuiltin('node:path');
  if (!fs || !path) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `${what} needs Node's file system; in a browser use encodeCheckpoint / decodeCheckpoint`,
    );
  }
  return { fs, path };
}

/**
 * Writes a checkpoint folder atomically: both files go to a fresh temporary folder next to
 * `dir` (flushed to disk), which then replaces `dir` (see `replaceFolder`) — a crash at any
 * moment leaves the old checkpoint or the new one, complete, which `loadCheckpoint` finds.
 * `onStep` is for tests that interrupt the save between its steps.
 */
export async function saveCheckpoint(
  dir: string,
  model: Module,
  content: CheckpointContent,
  onStep?: (step: ReplaceFolderStep) => void | Promise<void>,
): Promise<void> {
  const { fs, path } = nodeBuiltins('saveCheckpoint');
  const { json, weights } = await encodeCheckpoint(model, content);
  await replaceFolder(
    fs,
    path,
    path.resolve(dir),
    async (temp) => {
      await writeDurably(fs, path.join(temp, WEIGHTS_BIN), weights);
      await writeDurably(
        fs,
        path.join(temp, MODEL_JSON),
        new TextEncoder().encode(`${JSON.stringify(json, null, 2)}\n`),
      );
    },
    onStep,
  );
}

/**
 * Puts back the complete checkpoint a save cut short by a crash left under a hidden name next
 * to `dir`, and removes the leftovers (`loadCheckpoint` does this itself). Node only.
 */
export async function recoverCheckpoint(dir: string): Promise<void> {
  const { fs, path } = nodeBuiltins('recoverCheckpoint');
  await recoverFolder(fs, path, path.resolve(dir));
}

async function writeDurably(
  fs: typeof import('node:fs/promises'),
  file: string,
  data: Uint8Array,
): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Reads a checkpoint folder: validates `model.json` and `weights.bin`, rebuilds the network
 * from its architecture (or loads into `options.model`, checking every tensor's shape), and
 * returns it with the normalisation, training state and extra tensors.
 */
export async function loadCheckpoint(
  dir: string,
  options: DecodeOptions = {},
): Promise<LoadedCheckpoint> {
  const { fs, path } = nodeBuiltins('loadCheckpoint');
  // A save cut short by a crash leaves the complete checkpoint under a hidden name; put it back.
  await recoverFolder(fs, path, path.resolve(dir)).catch(() => {});
  const read = async (name: string, expectedBytes?: number): Promise<Uint8Array> => {
    try {
      if (expectedBytes !== undefined)
        return await readWeightFile(fs, path, dir, name, expectedBytes);
      return new Uint8Array(await fs.readFile(path.join(dir, name)));
    } catch (error) {
      if (error instanceof CoreError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT' ? 'missing' : `unreadable (${code ?? (error as Error).message})`;
      throw new CoreError('BAD_CHECKPOINT', `Checkpoint ${path.join(dir, name)}: ${reason}`, {
        cause: error,
      });
    }
  };
  const text = new TextDecoder().decode(await read(MODEL_JSON));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CoreError(
      'BAD_CHECKPOINT',
      `${path.join(dir, MODEL_JSON)} is not valid JSON (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  const files = new Map<string, Uint8Array>();
  const manifest = (json as { weightsManifest?: unknown })?.weightsManifest;
  if (Array.isArray(manifest)) {
    for (const [g, group] of manifest.entries()) {
      const paths = (group as { paths?: unknown })?.paths;
      if (!Array.isArray(paths)) continue;
      // The bytes the manifest describes: a weight file is read only when it has exactly these.
      const weights = (group as { weights?: unknown })?.weights;
      let bytes = 0;
      if (Array.isArray(weights)) {
        weights.forEach((w, i) => {
          const spec = checkWeightSpec(
            w,
            `weightsManifest[${g}].weights[${i}]`,
            (m) => new CoreError('BAD_CHECKPOINT', `${path.join(dir, MODEL_JSON)}: ${m}`),
          );
          bytes += spec.shape.reduce((a, b) => a * b, 1) * 4;
        });
      }
      for (const p of paths) {
        // Only plain file names inside the folder: a manifest must not reach elsewhere.
        if (typeof p !== 'string' || p !== path.basename(p) || p === '..' || p === '.') {
          throw new CoreError(
            'BAD_CHECKPOINT',
            `${path.join(dir, MODEL_JSON)}: weight file ${JSON.stringify(p)} must be a plain file name in the folder`,
          );
        }
        if (!files.has(p)) files.set(p, await read(p, paths.length === 1 ? bytes : undefined));
      }
    }
  }
  return decodeCheckpoint(json, files, { ...options, source: dir });
}
