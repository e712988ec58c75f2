import type { Rng } from '@s4/runtime';
import { tf } from '../backend';
import { CoreError, formatShape } from '../errors';

/** Called after a module's forward with its input and output (how `summary` sees each layer). */
export type ForwardHook = (module: Module, input: tf.Tensor, output: tf.Tensor) => void;

/** A state dict: PyTorch-style dotted names (`0.weight`, `3.running_mean`) to tensors. */
export type StateDict = Map<string, tf.Tensor> | Record<string, tf.Tensor>;

/**
 * The base of every layer and network, in the spirit of PyTorch's `nn.Module`.
 *
 * Contract (the training engine, checkpoints and `summary` rely on it):
 * - Layout is NHWC: images `[N, H, W, C]`, conv kernels `[kh, kw, in, out]`, linear weights
 *   `[in, out]`.
 * - `forward(x)` computes the output. It checks the input shape first and throws a
 *   `CoreError('SHAPE_MISMATCH')` naming the layer (type and dotted path) and both shapes.
 *   Containers run their children through `call(x)`, which is `forward` plus forward hooks.
 *   `forward` creates tensors freely: run it inside `tf.tidy` / `tf.variableGrads`.
 * - `training` is true after construction; `train(mode)` / `eval()` set it on the whole tree.
 *   BatchNorm uses batch statistics and Dropout drops only in training mode.
 * - `namedParameters()` lists the trainable `tf.Variable`s, `namedBuffers()` the non-trainable
 *   state (BatchNorm `running_mean`, `running_var`, `num_batches_tracked`), both with dotted
 *   names in registration order, like PyTorch. Buffers are updated inside `forward` in training
 *   mode with `assign`, outside the gradient tape.
 * - `stateDict()` is parameters and buffers together (the live variables, in PyTorch's order);
 *   `loadStateDict()` checks every name, shape and dtype before assigning anything, so a
 *   mismatch throws (naming the tensor and both shapes) and leaves the model untouched.
 * - Randomness (Dropout masks) comes from seeded `Rng`s owned by the modules;
 *   `getRngState()` / `setRngState()` read and restore all of them over the tree, so a resumed
 *   run draws the same masks as an uninterrupted one. There is no global state.
 * - `dispose()` frees every variable of the tree; the module is unusable afterwards.
 */
export abstract class Module {
  /** The class name shown by `summary` and in errors (`Conv2d`, `BatchNorm2d`, …). */
  abstract readonly typeName: string;
  training = true;
  /** Applied like a PyTorch function (`F.relu`): `summary` lists no row for it. */
  functional = false;

  readonly #children = new Map<string, Module>();
  readonly #parameters = new Map<string, tf.Variable>();
  readonly #buffers = new Map<string, tf.Variable>();
  readonly #rngs = new Map<string, Rng>();
  readonly #hooks = new Set<ForwardHook>();
  #parent: Module | undefined;
  #localName = '';

  abstract forward(x: tf.Tensor): tf.Tensor;

  /** `forward` followed by the forward hooks; containers call their children this way. */
  call(x: tf.Tensor): tf.Tensor {
    const y = this.forward(x);
    for (const hook of this.#hooks) hook(this, x, y);
    return y;
  }

  /** Whether any forward hook is registered (a container may then not fuse this layer away). */
  get hasForwardHooks(): boolean {
    return this.#hooks.size > 0;
  }

  /** Registers a hook run after every `call`; returns a function that removes it. */
  registerForwardHook(hook: ForwardHook): () => void {
    this.#hooks.add(hook);
    return () => {
      this.#hooks.delete(hook);
    };
  }

  /** This module's dotted path from the root of its tree (`''` for the root). */
  get path(): string {
    if (!this.#parent) return '';
    const parentPath = this.#parent.path;
    return parentPath ? `${parentPath}.${this.#localName}` : this.#localName;
  }

  /** How errors name this module: `Conv2d "features.0"`, or just `Conv2d` at the root. */
  get label(): string {
    const path = this.path;
    return path ? `${this.typeName} "${path}"` : this.typeName;
  }

  protected registerParameter(name: string, variable: tf.Variable): tf.Variable {
    this.#assertFreeName(name);
    this.#parameters.set(name, variable);
    return variable;
  }

  protected registerBuffer(name: string, variable: tf.Variable): tf.Variable {
    this.#assertFreeName(name);
    this.#buffers.set(name, variable);
    return variable;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#assertFreeName(name);
    if (module.#parent) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `${module.label} is already a child of ${module.#parent.label}; a module can have one parent`,
      );
    }
    module.#parent = this;
    module.#localName = name;
    this.#children.set(name, module);
    return module;
  }

  protected registerRng(name: string, rng: Rng): Rng {
    this.#assertFreeName(name);
    this.#rngs.set(name, rng);
    return rng;
  }

  #assertFreeName(name: string): void {
    if (name === '' || name.includes('.')) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `${this.label}: name "${name}" must be non-empty without dots`,
      );
    }
    if (
      this.#children.has(name) ||
      this.#parameters.has(name) ||
      this.#buffers.has(name) ||
      this.#rngs.has(name)
    ) {
      throw new CoreError('BAD_ARGUMENT', `${this.label}: name "${name}" is already registered`);
    }
  }

  /**
   * Throws a SHAPE_MISMATCH error unless `x` has `expected.length` dimensions and matches every
   * non-null entry (null = any size).
   */
  protected expectInputShape(x: tf.Tensor, expected: readonly (number | null)[], hint = ''): void {
    const ok =
      x.shape.length === expected.length &&
      expected.every((d, i) => d === null || d === x.shape[i]);
    if (!ok) {
      throw new CoreError(
        'SHAPE_MISMATCH',
        `${this.label} expected an input of shape ${formatShape(expected)} but got ${formatShape(x.shape)}${hint ? ` (${hint})` : ''}`,
      );
    }
  }

  /** Direct children, in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.#children];
  }

  children(): Module[] {
    return [...this.#children.values()];
  }

  /** This module (name `''`) and all its descendants, depth first, like PyTorch. */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this.#children) {
      out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    }
    return out;
  }

  train(mode = true): this {
    this.training = mode;
    for (const child of this.#children.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  namedParameters(): Array<[string, tf.Variable]> {
    return this.#collect((m) => m.#parameters);
  }

  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  namedBuffers(): Array<[string, tf.Variable]> {
    return this.#collect((m) => m.#buffers);
  }

  /** Number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((sum, v) => sum + v.size, 0);
  }

  /** Parameters and buffers (the live variables) in PyTorch's state_dict order. */
  stateDict(): Map<string, tf.Variable> {
    return new Map(this.#collect((m) => new Map([...m.#parameters, ...m.#buffers])));
  }

  #collect(pick: (m: Module) => Map<string, tf.Variable>): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, v] of pick(module)) out.push([prefix ? `${prefix}.${name}` : name, v]);
    }
    return out;
  }

  /**
   * Copies `state` into the model. Every name, shape and dtype is checked before anything is
   * assigned: shapes of shared names first (a wrong shape says most about a wrong
   * architecture), then, with `strict` (the default), missing and unexpected names.
   */
  loadStateDict(state: StateDict, options: { strict?: boolean } = {}): void {
    const strict = options.strict ?? true;
    const incoming = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const pairs: Array<[tf.Variable, tf.Tensor]> = [];
    for (const [name, tensor] of incoming) {
      const target = own.get(name);
      if (!target) continue;
      const sameShape =
        target.shape.length === tensor.shape.length &&
        target.shape.every((d, i) => d === tensor.shape[i]);
      if (!sameShape) {
        throw new CoreError(
          'SHAPE_MISMATCH',
          `Tensor "${name}": the model has shape ${formatShape(target.shape)} but the state dict has ${formatShape(tensor.shape)}`,
        );
      }
      if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
        throw new CoreError(
          'STATE_DICT_MISMATCH',
          `Tensor "${name}": expected dtype ${target.dtype} but got ${tensor.dtype}`,
        );
      }
      pairs.push([target, tensor]);
    }
    if (strict) {
      const missing = [...own.keys()].filter((k) => !incoming.has(k));
      const unexpected = [...incoming.keys()].filter((k) => !own.has(k));
      if (missing.length > 0 || unexpected.length > 0) {
        const parts = [];
        if (missing.length > 0) parts.push(`missing: ${missing.join(', ')}`);
        if (unexpected.length > 0) parts.push(`unexpected: ${unexpected.join(', ')}`);
        throw new CoreError(
          'STATE_DICT_MISMATCH',
          `State dict does not match the model (${parts.join('; ')})`,
        );
      }
    }
    tf.tidy(() => {
      for (const [target, tensor] of pairs) {
        target.assign(tensor.dtype === target.dtype ? tensor : tf.cast(tensor, target.dtype));
      }
    });
  }

  /** States of every seeded generator in the tree, by dotted name (`2.rng`). */
  getRngState(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, rng] of module.#rngs)
        out[prefix ? `${prefix}.${name}` : name] = rng.getState();
    }
    return out;
  }

  /** Restores states saved by `getRngState`; every generator of the tree must be present. */
  setRngState(states: Record<string, number>): void {
    const targets: Array<[Rng, number]> = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, rng] of module.#rngs) {
        const key = prefix ? `${prefix}.${name}` : name;
        const state = states[key];
        if (
          typeof state !== 'number' ||
          !Number.isInteger(state) ||
          state < 0 ||
          state > 0xffffffff
        ) {
          throw new CoreError(
            'STATE_DICT_MISMATCH',
            `RNG state "${key}": expected an unsigned 32-bit integer but got ${JSON.stringify(state)}`,
          );
        }
        targets.push([rng, state]);
      }
    }
    for (const [rng, state] of targets) rng.setState(state);
  }

  /**
   * The layer's settings as PyTorch prints them inside `Conv2d(…)`; subclasses override it.
   */
  protected extraRepr(): string {
    return '';
  }

  /** The module tree the way PyTorch prints a model (`print(model)`), for people to read. */
  toString(): string {
    const extra = this.extraRepr();
    const children = this.namedChildren();
    if (children.length === 0) return `${this.typeName}(${extra})`;
    const lines = [`${this.typeName}(`];
    if (extra) lines.push(`  ${extra}`);
    for (const [name, child] of children) {
      lines.push(`  (${name}): ${child.toString().split('\n').join('\n  ')}`);
    }
    lines.push(')');
    return lines.join('\n');
  }

  /** Frees every variable of the tree. */
  dispose(): void {
    for (const v of this.stateDict().values()) v.dispose();
  }
}
