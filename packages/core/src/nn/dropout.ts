import { Rng } from '@s4/runtime';
import { dropoutFused } from '@s4/tfjs-wasm-training';
import { tf } from '../backend';
import { CoreError } from '../errors';
import type { FunctionalOption } from './functional-option';
import { Module } from './module';
import { pythonFloat } from './pair';

export interface DropoutOptions extends FunctionalOption {
  /** Draws the masks; defaults to `new Rng(0)`. Its state is part of `getRngState()`. */
  rng?: Rng;
}

/**
 * In training mode zeroes each element with probability `p` and scales the rest by 1/(1−p)
 * ("inverted" dropout, like PyTorch), so evaluation is the identity. Masks come from a seeded
 * generator (mulberry32), registered as `rng` so checkpoints can save and restore it; S4's
 * dropout op draws them inside its kernel and regenerates them for the backward pass, with the
 * same result as `x · (rng.next() < 1 − p ? 1/(1 − p) : 0)` element by element.
 */
export class Dropout extends Module {
  readonly typeName = 'Dropout';
  readonly p: number;
  readonly #rng: Rng;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1))
      throw new CoreError('BAD_ARGUMENT', `Dropout p must be in [0, 1], got ${p}`);
    this.p = p;
    this.#rng = this.registerRng('rng', options.rng ?? new Rng(0));
    this.functional = options.functional ?? false;
  }

  protected override extraRepr(): string {
    return `p=${pythonFloat(this.p)}, inplace=False`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return tf.clone(x);
    if (this.p === 1) return tf.zerosLike(x);
    const y = dropoutFused(x, 1 - this.p, this.#rng.getState());
    this.#rng.skip(x.size);
    return y;
  }
}
