import { CoreError } from '../errors';
import {
  checkNonNegative,
  type FlatSlots,
  type Hyperparams,
  type NamedVariables,
  Optimizer,
  readNumber,
} from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * `torch.optim.SGD`, in PyTorch's exact order of operations:
 * g ← grad + weightDecay·p; buf ← g at the first step, else momentum·buf + (1 − dampening)·g;
 * g ← g + momentum·buf (Nesterov) or buf; p ← p − lr·g.
 */
export class SGD extends Optimizer {
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;

  constructor(params: NamedVariables, options: SGDOptions) {
    super('SGD', params, options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.weightDecay = options.weightDecay ?? 0;
    this.nesterov = options.nesterov ?? false;
    checkNonNegative('SGD', 'momentum', this.momentum);
    checkNonNegative('SGD', 'weightDecay', this.weightDecay);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new CoreError(
        'BAD_ARGUMENT',
        `SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum ${this.momentum} and dampening ${this.dampening}`,
      );
    }
  }

  // Element by element, every scalar and every result rounded to float32 as float32 tensor
  // arithmetic rounds it: the same values as the update written in tfjs (or PyTorch) ops.
  protected update(
    p: Float32Array,
    grad: Float32Array,
    _step: number,
    slot: FlatSlots,
    setSlot: (slot: string, values: Float32Array) => void,
  ): void {
    const f = Math.fround;
    const wd = f(this.weightDecay);
    const momentum = f(this.momentum);
    const keep = f(1 - this.dampening);
    const lr = f(this.lr);
    const decay = this.weightDecay !== 0;
    let buf: Float32Array | undefined;
    let first = false;
    if (this.momentum !== 0) {
      buf = slot('momentum_buffer');
      if (!buf) {
        buf = new Float32Array(p.length);
        setSlot('momentum_buffer', buf);
        first = true;
      }
    }
    const nesterov = this.nesterov;
    for (let i = 0; i < p.length; i++) {
      const pi = p[i]!;
      let g = grad[i]!;
      if (decay) g = f(g + f(pi * wd));
      if (buf) {
        const b = first ? g : f(f(buf[i]! * momentum) + f(g * keep));
        buf[i] = b;
        g = nesterov ? f(g + f(b * momentum)) : b;
      }
      p[i] = pi - f(g * lr);
    }
  }

  hyperparams(): Hyperparams {
    return {
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      weightDecay: this.weightDecay,
      nesterov: this.nesterov,
    };
  }

  protected loadHyperparams(h: Hyperparams): void {
    this.lr = readNumber('SGD', h, 'lr');
    this.momentum = readNumber('SGD', h, 'momentum');
    this.dampening = readNumber('SGD', h, 'dampening');
    this.weightDecay = readNumber('SGD', h, 'weightDecay');
    this.nesterov = h.nesterov === true;
  }
}
