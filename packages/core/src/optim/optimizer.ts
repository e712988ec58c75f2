import { tf } from '../backend';
import { CoreError, formatShape } from '../errors';
import type { ScheduledOptimizer } from '../schedulers/scheduler';

/** Parameters to optimize, by PyTorch-style name (`model.namedParameters()`). */
export type NamedVariables = Iterable<readonly [string, tf.Variable]>;

/** Where one parameter sits in the flat arrays of `stepFlat` (a `FlatEntry` fits). */
export interface FlatSlice {
  name: string;
  offset: number;
  size: number;
}

/** A parameter's state arrays by slot name, for `update` (undefined before its first step). */
export type FlatSlots = (slot: string) => Float32Array | undefined;

/** Hyperparameters as plain JSON (saved in a checkpoint's `training` object). */
export type Hyperparams = Record<string, number | boolean | number[]>;

/**
 * An optimizer's state, like PyTorch's `optimizer.state_dict()`: JSON hyperparameters and step
 * counts, plus per-parameter tensors named `<parameter>.<slot>` (`0.weight.momentum_buffer`,
 * `3.bias.exp_avg_sq`) so a checkpoint can store them next to the weights.
 */
export interface OptimizerState {
  kind: string;
  hyperparams: Hyperparams;
  /** Steps taken per parameter (PyTorch keeps `state[p]['step']` per parameter). */
  steps: Record<string, number>;
  tensors: Map<string, tf.Tensor>;
}

/**
 * Base of S4's optimizers: PyTorch semantics over named `tf.Variable`s, one parameter group.
 * Each optimizer has ONE update rule, `update`, on flat Float32Arrays in plain JS; its state
 * (momentum buffers, moments) lives in such arrays. `stepFlat` runs it on arrays the caller
 * holds (data-parallel training), `step(grads)` on tensor gradients by parameter name (what
 * `computeGradients` returns): one read of all gradients, one write of all parameters. A
 * parameter without a gradient is skipped, like PyTorch's `grad=None`.
 */
export abstract class Optimizer implements ScheduledOptimizer {
  /** The PyTorch class this optimizer reproduces (`SGD`, `Adam`, `AdamW`). */
  readonly kind: string;
  lr: number;
  protected readonly params: Map<string, tf.Variable>;
  protected readonly steps = new Map<string, number>();
  /** slot name → parameter name → state array (created at the parameter's first step). */
  readonly #slots = new Map<string, Map<string, Float32Array>>();
  /** The tensors `stateDict` hands out, refreshed from the arrays at each call. */
  readonly #exported = new Map<string, tf.Variable>();
  /** The parameters in one array (params order), and the variables' data they were read from. */
  readonly #entries: FlatSlice[];
  readonly #values: Float32Array;
  readonly #valueSources: Array<object | undefined>;

  constructor(kind: string, params: NamedVariables, lr: number) {
    this.kind = kind;
    this.params = new Map(params);
    if (this.params.size === 0) {
      throw new CoreError('BAD_ARGUMENT', `${kind}: got an empty parameter list`);
    }
    checkNonNegative(kind, 'lr', lr);
    this.lr = lr;
    let offset = 0;
    this.#entries = [...this.params].map(([name, v]) => {
      const entry = { name, offset, size: v.size };
      offset += v.size;
      return entry;
    });
    this.#values = new Float32Array(offset);
    this.#valueSources = this.#entries.map(() => undefined);
  }

  /** Applies one update from gradients keyed by parameter name. */
  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    for (const [name, grad] of grads) {
      const param = this.params.get(name);
      if (!param) {
        throw new CoreError(
          'BAD_ARGUMENT',
          `${this.kind}.step: got a gradient for "${name}", which is not one of the optimizer's parameters`,
        );
      }
      if (!sameShape(param.shape, grad.shape)) {
        throw new CoreError(
          'SHAPE_MISMATCH',
          `${this.kind}.step: gradient "${name}" has shape ${formatShape(grad.shape)} but the parameter has ${formatShape(param.shape)}`,
        );
      }
    }
    const present = this.#entries.filter((e) => grads.has(e.name));
    if (present.length === 0) return;
    // All gradients in one read: concatenated on the backend, then one dataSync.
    const flat = tf.tidy(() => tf.concat(present.map((e) => tf.reshape(grads.get(e.name)!, [-1]))));
    const g = flat.dataSync() as Float32Array;
    flat.dispose();
    const values = this.#currentValues();
    let offset = 0;
    for (const e of present) {
      const end = e.offset + e.size;
      this.#update(e.name, values.subarray(e.offset, end), g.subarray(offset, offset + e.size));
      offset += e.size;
    }
    this.#writeValues();
  }

  /**
   * The update on flat arrays the caller holds (data-parallel training): every parameter in
   * `entries` is updated in place in `params` from the same slice of `grads`. The parameter
   * variables are not touched; the caller writes `params` back.
   */
  stepFlat(params: Float32Array, grads: Float32Array, entries: readonly FlatSlice[]): void {
    for (const e of entries) {
      if (!this.params.has(e.name)) {
        throw new CoreError(
          'BAD_ARGUMENT',
          `${this.kind}.stepFlat: got a gradient for "${e.name}", which is not one of the optimizer's parameters`,
        );
      }
      if (this.params.get(e.name)!.size !== e.size) {
        throw new CoreError(
          'SHAPE_MISMATCH',
          `${this.kind}.stepFlat: "${e.name}" has ${e.size} values but the parameter has ${this.params.get(e.name)!.size}`,
        );
      }
    }
    for (const e of entries) {
      const end = e.offset + e.size;
      this.#update(e.name, params.subarray(e.offset, end), grads.subarray(e.offset, end));
    }
  }

  #update(name: string, p: Float32Array, g: Float32Array): void {
    const step = (this.steps.get(name) ?? 0) + 1;
    this.steps.set(name, step);
    this.update(
      p,
      g,
      step,
      (slot) => this.#slots.get(slot)?.get(name),
      (slot, values) => {
        let bySlot = this.#slots.get(slot);
        if (!bySlot) {
          bySlot = new Map();
          this.#slots.set(slot, bySlot);
        }
        bySlot.set(name, values);
      },
    );
  }

  /**
   * The optimizer's update rule on one parameter: `p` in place from `g`; `slot(name)` is a
   * state array (undefined before its first step), `setSlot(name, values)` stores a new one.
   * `step` counts from 1.
   */
  protected abstract update(
    p: Float32Array,
    g: Float32Array,
    step: number,
    slot: FlatSlots,
    setSlot: (slot: string, values: Float32Array) => void,
  ): void;

  /**
   * The parameters as one array. A variable is read again only when its data is not what this
   * optimizer last read or wrote (someone assigned it, e.g. a loaded checkpoint).
   */
  #currentValues(): Float32Array {
    [...this.params.values()].forEach((v, i) => {
      if (this.#valueSources[i] === v.dataId) return;
      this.#values.set(v.dataSync() as Float32Array, this.#entries[i]!.offset);
      this.#valueSources[i] = v.dataId;
    });
    return this.#values;
  }

  /** All parameters back into their variables from one uploaded tensor. */
  #writeValues(): void {
    const variables = [...this.params.values()];
    tf.tidy(() => {
      const parts = tf.split(
        tf.tensor1d(this.#values, 'float32'),
        this.#entries.map((e) => e.size),
      );
      variables.forEach((v, i) => {
        v.assign(tf.reshape(parts[i]!, v.shape));
      });
    });
    variables.forEach((v, i) => {
      this.#valueSources[i] = v.dataId;
    });
  }

  abstract hyperparams(): Hyperparams;
  protected abstract loadHyperparams(hyperparams: Hyperparams): void;

  /**
   * The state; its tensors are owned by the optimizer (freed by `dispose`) and hold the state
   * as of this call: save them before the next step.
   */
  stateDict(): OptimizerState {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, param] of this.params) {
      for (const [slot, bySlot] of this.#slots) {
        const values = bySlot.get(name);
        if (!values) continue;
        const key = `${name}.${slot}`;
        const existing = this.#exported.get(key);
        tf.tidy(() => {
          const value = tf.tensor(values, param.shape, 'float32');
          if (existing) existing.assign(value);
          else this.#exported.set(key, tf.variable(value, false));
        });
        tensors.set(key, this.#exported.get(key)!);
      }
    }
    return {
      kind: this.kind,
      hyperparams: this.hyperparams(),
      steps: Object.fromEntries(this.steps),
      tensors,
    };
  }

  /** Restores a state from `stateDict()` (the tensors are copied; the caller keeps its own). */
  loadStateDict(state: OptimizerState): void {
    if (state.kind !== this.kind) {
      throw new CoreError(
        'STATE_DICT_MISMATCH',
        `${this.kind}.loadStateDict: expected a ${this.kind} state but found a ${state.kind} state`,
      );
    }
    const incoming: Array<[string, string, tf.Tensor]> = [];
    for (const [key, tensor] of state.tensors) {
      const [name, slot] = splitSlotKey(key, this.params);
      if (name === undefined) {
        throw new CoreError(
          'STATE_DICT_MISMATCH',
          `${this.kind}.loadStateDict: state tensor "${key}" belongs to no parameter of this optimizer`,
        );
      }
      const param = this.params.get(name)!;
      if (!sameShape(param.shape, tensor.shape)) {
        throw new CoreError(
          'SHAPE_MISMATCH',
          `${this.kind}.loadStateDict: state tensor "${key}" has shape ${formatShape(tensor.shape)} but parameter "${name}" has ${formatShape(param.shape)}`,
        );
      }
      incoming.push([name, slot, tensor]);
    }
    for (const name of Object.keys(state.steps)) {
      if (!this.params.has(name)) {
        throw new CoreError(
          'STATE_DICT_MISMATCH',
          `${this.kind}.loadStateDict: step count for "${name}", which is not one of the optimizer's parameters`,
        );
      }
    }
    this.loadHyperparams(state.hyperparams);
    // Copied before the old state goes, in case `state` is this optimizer's own.
    const copies = incoming.map(
      ([name, slot, tensor]) => [name, slot, Float32Array.from(tensor.dataSync())] as const,
    );
    this.#slots.clear();
    for (const [name, slot, values] of copies) {
      let bySlot = this.#slots.get(slot);
      if (!bySlot) {
        bySlot = new Map();
        this.#slots.set(slot, bySlot);
      }
      bySlot.set(name, values);
    }
    this.steps.clear();
    for (const [name, step] of Object.entries(state.steps)) this.steps.set(name, step);
  }

  /** Frees the state tensors (not the parameters, which belong to the model). */
  dispose(): void {
    for (const v of this.#exported.values()) v.dispose();
    this.#exported.clear();
    this.#slots.clear();
    this.steps.clear();
  }
}

/** Splits `features.0.weight.exp_avg` into the parameter name and slot name. */
function splitSlotKey(
  key: string,
  params: ReadonlyMap<string, unknown>,
): [string | undefined, string] {
  const dot = key.lastIndexOf('.');
  const name = key.slice(0, dot);
  return [params.has(name) ? name : undefined, key.slice(dot + 1)];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkNonNegative(owner: string, name: string, value: number): void {
  if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `${owner}: ${name} must be a finite number >= 0, got ${String(value)}`,
    );
  }
}

export function readNumber(owner: string, hyperparams: Hyperparams, key: string): number {
  const value = hyperparams[key];
  if (typeof value !== 'number') {
    throw new CoreError(
      'STATE_DICT_MISMATCH',
      `${owner}.loadStateDict: hyperparameter "${key}" should be a number, found ${JSON.stringify(value)}`,
    );
  }
  return value;
}
