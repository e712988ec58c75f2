import { Rng } from '@s4/mnist-data';
import { tf } from '../backend';
import { CoreError } from '../errors';
import { dropoutFused } from '../kernels/dropout';
import { s4KernelSwitch } from '../kernels/kernel-switch';
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
 * dropout kernel draws them inside the kernel and regenerates them for the backward pass
 * (kernels/dropout.ts), with the same result as the plain JS loop below.
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
    const keep = 1 - this.p;
    if (s4KernelSwitch.enabled && keep * 4294967296 < 4294967295) {
      const state = this.#rng.getState();
      const y = dropoutFused(x, keep, state);
      this.#rng.skip(x.size);
      return y;
    }
    const scale = 1 / keep;
    const mask = new Float32Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = this.#rng.next() < keep ? scale : 0;
    return tf.mul(x, tf.tensor(mask, x.shape));
  }
}
