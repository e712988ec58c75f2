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

/** A parameter's state arrays by slot name, for `updateFlat` (created on first use). */
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
 * `step(grads)` takes gradients by parameter name (what `computeGradients` returns, possibly
 * averaged over workers); a parameter without a gradient is skipped, like PyTorch's `grad=None`.
 * State tensors are non-trainable variables updated in place, so a step allocates nothing that
 * outlives it.
 */
export abstract class Optimizer implements ScheduledOptimizer {
  /** The PyTorch class this optimizer reproduces (`SGD`, `Adam`, `AdamW`). */
  readonly kind: string;
  lr: number;
  protected readonly params: Map<string, tf.Variable>;
  /** slot name → parameter name → state variable (created lazily at the first step). */
  protected readonly slots = new Map<string, Map<string, tf.Variable>>();
  protected readonly steps = new Map<string, number>();
  /**
   * The same state as `slots`, as plain arrays, for `stepFlat`. Which copy is current:
   * 'tensors' (flat copies stale or absent), 'flat' (variables stale), or 'both'.
   */
  readonly #flatSlots = new Map<string, Map<string, Float32Array>>();
  #current: 'tensors' | 'flat' | 'both' = 'both';

  constructor(kind: string, params: NamedVariables, lr: number) {
    this.kind = kind;
    this.params = new Map(params);
    if (this.params.size === 0) {
      throw new CoreError('BAD_ARGUMENT', `${kind}: got an empty parameter list`);
    }
    checkNonNegative(kind, 'lr', lr);
    this.lr = lr;
  }

  /** Applies one update from gradients keyed by parameter name. */
  step(grads: ReadonlyMap<string, tf.Tensor>): void {
    this.#syncTensors();
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
    for (const [name, param] of this.params) {
      const grad = grads.get(name);
      if (!grad) continue;
      const step = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, step);
      tf.tidy(() => this.update(name, param, grad, step));
    }
    this.#current = 'tensors';
  }

  /**
   * `step` on flat arrays in plain JS, for gradients that arrive as one array (data-parallel
   * workers): every parameter in `entries` is updated in place in `params` from the same slice
   * of `grads`. Each float32 operation of `update` is rounded as its tfjs kernel rounds it
   * (Math.fround), so the result is the same, bit for bit, in a fraction of the time: one pass
   * per parameter instead of a dozen kernels. The parameter variables are not touched (the
   * caller writes `params` back); the state stays in arrays until `step`, `stateDict` or
   * `loadStateDict` needs the tensors.
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
    if (this.#current === 'tensors') this.#syncFlat();
    for (const e of entries) {
      const name = e.name;
      const step = (this.steps.get(name) ?? 0) + 1;
      this.steps.set(name, step);
      const end = e.offset + e.size;
      const slots: FlatSlots = (slot) => {
        let bySlot = this.#flatSlots.get(slot);
        if (!bySlot) {
          bySlot = new Map();
          this.#flatSlots.set(slot, bySlot);
        }
        return bySlot.get(name);
      };
      this.updateFlat(
        params.subarray(e.offset, end),
        grads.subarray(e.offset, end),
        step,
        slots,
        (slot, values) => this.#flatSlots.get(slot)!.set(name, values),
      );
    }
    this.#current = 'flat';
  }

  /**
   * `update` on arrays: `p` in place from `g`; `slot(name)` is the state array (undefined before
   * its first step), `setSlot(name, values)` stores a new one.
   */
  protected abstract updateFlat(
    p: Float32Array,
    g: Float32Array,
    step: number,
    slot: FlatSlots,
    setSlot: (slot: string, values: Float32Array) => void,
  ): void;

  /** Copies the variables' state into the flat arrays (before a flat step after `step`). */
  #syncFlat(): void {
    this.#flatSlots.clear();
    for (const [slot, bySlot] of this.slots) {
      const flat = new Map<string, Float32Array>();
      for (const [name, v] of bySlot) flat.set(name, Float32Array.from(v.dataSync()));
      this.#flatSlots.set(slot, flat);
    }
    this.#current = 'both';
  }

  /** Writes the flat state into the variables (created as needed) when they are stale. */
  #syncTensors(): void {
    if (this.#current !== 'flat') return;
    for (const [slot, bySlot] of this.#flatSlots) {
      for (const [name, values] of bySlot) {
        const shape = this.params.get(name)!.shape;
        tf.tidy(() => this.setSlot(slot, name, tf.tensor(values, shape, 'float32')));
      }
    }
    this.#current = 'both';
  }

  /** Updates one parameter (runs inside `tf.tidy`); `step` counts from 1. */
  protected abstract update(name: string, param: tf.Variable, grad: tf.Tensor, step: number): void;

  abstract hyperparams(): Hyperparams;
  protected abstract loadHyperparams(hyperparams: Hyperparams): void;

  /** The state variable `slot` of parameter `name`, or undefined before its first step. */
  protected getSlot(slot: string, name: string): tf.Variable | undefined {
    return this.slots.get(slot)?.get(name);
  }

  /** Stores `value` as state: assigned in place if the slot exists, else a new variable. */
  protected setSlot(slot: string, name: string, value: tf.Tensor): void {
    let bySlot = this.slots.get(slot);
    if (!bySlot) {
      bySlot = new Map();
      this.slots.set(slot, bySlot);
    }
    const existing = bySlot.get(name);
    if (existing) existing.assign(value);
    else bySlot.set(name, tf.variable(value, false));
  }

  stateDict(): OptimizerState {
    this.#syncTensors();
    const tensors = new Map<string, tf.Tensor>();
    for (const name of this.params.keys()) {
      for (const [slot, bySlot] of this.slots) {
        const v = bySlot.get(name);
        if (v) tensors.set(`${name}.${slot}`, v);
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
    // Its tensors may be this optimizer's own variables, stale after flat steps.
    this.#syncTensors();
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
    // New variables share the tensors' immutable data, so the caller may dispose its copies;
    // they are made before the old slots go, in case `state` is this optimizer's own.
    const old = [...this.slots.values()].flatMap((bySlot) => [...bySlot.values()]);
    this.slots.clear();
    for (const [name, slot, tensor] of incoming) this.setSlot(slot, name, tensor);
    for (const v of old) v.dispose();
    this.steps.clear();
    for (const [name, step] of Object.entries(state.steps)) this.steps.set(name, step);
    this.#flatSlots.clear();
    this.#current = 'tensors';
  }

  protected disposeSlots(): void {
    for (const bySlot of this.slots.values()) for (const v of bySlot.values()) v.dispose();
    this.slots.clear();
    this.#flatSlots.clear();
    this.#current = 'both';
  }

  /** Frees the state tensors (not the parameters, which belong to the model). */
  dispose(): void {
    this.disposeSlots();
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
