import { CoreError } from '../errors';
import {
  checkNonNegative,
  type FlatSlots,
  type Hyperparams,
  type NamedVariables,
  Optimizer,
  readNumber,
} from './optimizer';

export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Default 0 for Adam (L2 added to the gradient), 1e-2 for AdamW (decoupled). */
  weightDecay?: number;
  amsgrad?: boolean;
}

/**
 * `torch.optim.Adam`, in PyTorch's order of operations:
 * g ← grad + weightDecay·p; m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
 * p ← p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps). With `amsgrad`, v is replaced by its
 * running maximum in the denominator. `betas` is settable so OneCycleLR can cycle β1.
 */
export class Adam extends Optimizer {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  /** AdamW decays weights directly (p ← p·(1 − lr·weightDecay)) instead of through the gradient. */
  protected readonly decoupledWeightDecay: boolean;

  constructor(
    params: NamedVariables,
    options: AdamOptions = {},
    variant: 'Adam' | 'AdamW' = 'Adam',
  ) {
    super(variant, params, options.lr ?? 1e-3);
    this.decoupledWeightDecay = variant === 'AdamW';
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.amsgrad = options.amsgrad ?? false;
    checkNonNegative(this.kind, 'eps', this.eps);
    checkNonNegative(this.kind, 'weightDecay', this.weightDecay);
    this.betas.forEach((beta, i) => {
      if (!(beta >= 0 && beta < 1)) {
        throw new CoreError(
          'BAD_ARGUMENT',
          `${this.kind}: betas[${i}] must be in [0, 1), got ${beta}`,
        );
      }
    });
  }

  // Element by element, every scalar and every result rounded to float32 as float32 tensor
  // arithmetic rounds it: the same values as the update written in tfjs (or PyTorch) ops.
  protected update(
    p: Float32Array,
    grad: Float32Array,
    step: number,
    slot: FlatSlots,
    setSlot: (slot: string, values: Float32Array) => void,
  ): void {
    const f = Math.fround;
    const [beta1, beta2] = this.betas;
    const b1 = f(beta1);
    const b2 = f(beta2);
    const keep1 = f(1 - beta1);
    const keep2 = f(1 - beta2);
    const coupled = this.weightDecay !== 0 && !this.decoupledWeightDecay;
    const decoupled = this.weightDecay !== 0 && this.decoupledWeightDecay;
    const wd = f(this.weightDecay);
    const shrink = f(1 - this.lr * this.weightDecay);
    const fresh = (name: string) => {
      const values = new Float32Array(p.length);
      setSlot(name, values);
      return values;
    };
    const m = slot('exp_avg') ?? fresh('exp_avg');
    const v = slot('exp_avg_sq') ?? fresh('exp_avg_sq');
    // amsgrad's running maximum starts as the first step's v (no previous maximum).
    const firstMax = this.amsgrad && slot('max_exp_avg_sq') === undefined;
    const max = this.amsgrad ? (slot('max_exp_avg_sq') ?? fresh('max_exp_avg_sq')) : undefined;
    const bc2Sqrt = f(Math.sqrt(1 - beta2 ** step));
    const stepSize = f(this.lr / (1 - beta1 ** step));
    const eps = f(this.eps);
    for (let i = 0; i < p.length; i++) {
      let pi = p[i]!;
      let g = grad[i]!;
      if (decoupled) pi = f(pi * shrink);
      else if (coupled) g = f(g + f(pi * wd));
      const mi = f(f(m[i]! * b1) + f(g * keep1));
      const vi = f(f(v[i]! * b2) + f(f(g * g) * keep2));
      m[i] = mi;
      v[i] = vi;
      let second = vi;
      if (max) {
        second = firstMax ? vi : Math.max(max[i]!, vi);
        max[i] = second;
      }
      const denom = f(f(f(Math.sqrt(second)) / bc2Sqrt) + eps);
      p[i] = pi - f(f(mi / denom) * stepSize);
    }
  }

  hyperparams(): Hyperparams {
    return {
      lr: this.lr,
      betas: [...this.betas],
      eps: this.eps,
      weightDecay: this.weightDecay,
      amsgrad: this.amsgrad,
    };
  }

  protected loadHyperparams(h: Hyperparams): void {
    const betas = h.betas;
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new CoreError(
        'STATE_DICT_MISMATCH',
        `${this.kind}.loadStateDict: hyperparameter "betas" should be two numbers, found ${JSON.stringify(betas)}`,
      );
    }
    this.lr = readNumber(this.kind, h, 'lr');
    this.betas = [betas[0]!, betas[1]!];
    this.eps = readNumber(this.kind, h, 'eps');
    this.weightDecay = readNumber(this.kind, h, 'weightDecay');
    this.amsgrad = h.amsgrad === true;
  }
}
