import type { AdamOptions } from './adam';
import { Adam } from './adam';
import type { NamedVariables } from './optimizer';

/**
 * `torch.optim.AdamW`: Adam with decoupled weight decay (Loshchilov & Hutter), applied to the
 * weights before the Adam update as p ← p·(1 − lr·weightDecay). Default weightDecay 1e-2.
 */
export class AdamW extends Adam {
  constructor(params: NamedVariables, options: AdamOptions = {}) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 1e-2 }, 'AdamW');
  }
}
