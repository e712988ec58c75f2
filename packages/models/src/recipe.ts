/** How a zoo model is trained: everything `s4 train` needs to reproduce its shipped weights. */
export interface Recipe {
  optimizer: OptimizerRecipe;
  scheduler: SchedulerRecipe;
  batchSize: number;
  epochs: number;
  augment: AugmentRecipe;
  /**
   * ε in [0, 1) of the training loss's label smoothing (PyTorch's `label_smoothing`): targets
   * (1 − ε)·one-hot + ε/10. Absent or 0: plain NLL.
   */
  labelSmoothing?: number;
  /** Seed of the shipped run (weights init, shuffling, augmentation, dropout masks). */
  seed: number;
}

export type OptimizerName = 'sgd' | 'adam' | 'adamw';
export type SchedulerName = 'onecycle' | 'step' | 'plateau' | 'none';

export interface OptimizerRecipe {
  name: OptimizerName;
  /** The base learning rate (OneCycle's maximum learning rate). */
  lr: number;
  momentum?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export type SchedulerRecipe =
  | {
      name: 'onecycle';
      pctStart: number;
      divFactor: number;
      finalDivFactor: number;
      /** PyTorch's default: momentum cycles between 0.85 and 0.95 (inverse to the lr). */
      cycleMomentum: boolean;
    }
  | { name: 'step'; stepSize: number; gamma: number }
  | { name: 'plateau'; factor: number; patience: number }
  | { name: 'none' };

export interface AugmentRecipe {
  /** Random rotation of ±degrees, black background; 0 = none. */
  rotate: number;
}

/** One line, e.g. `SGD(lr=0.2, momentum=0.9, nesterov) · OneCycle(pct 0.2, div 10/100) · batch 128 · 15 epochs · rotate ±7°` (then `label smoothing ε` when it smooths). */
export function describeRecipe(recipe: Recipe): string {
  const o = recipe.optimizer;
  const optimizerArgs = [`lr=${o.lr}`];
  if (o.momentum !== undefined) optimizerArgs.push(`momentum=${o.momentum}`);
  if (o.nesterov) optimizerArgs.push('nesterov');
  if (o.weightDecay) optimizerArgs.push(`weight_decay=${o.weightDecay}`);
  const optimizer = `${{ sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' }[o.name]}(${optimizerArgs.join(', ')})`;
  const s = recipe.scheduler;
  const scheduler =
    s.name === 'onecycle'
      ? `OneCycleLR(pct_start=${s.pctStart}, div_factor=${s.divFactor}, final_div_factor=${s.finalDivFactor})`
      : s.name === 'step'
        ? `StepLR(step_size=${s.stepSize}, gamma=${s.gamma})`
        : s.name === 'plateau'
          ? `ReduceLROnPlateau(factor=${s.factor}, patience=${s.patience})`
          : 'constant lr';
  const augment =
    recipe.augment.rotate > 0 ? `rotate ±${recipe.augment.rotate}°` : 'no augmentation';
  return [
    optimizer,
    scheduler,
    `batch ${recipe.batchSize}`,
    `${recipe.epochs} ${recipe.epochs === 1 ? 'epoch' : 'epochs'}`,
    augment,
    ...(recipe.labelSmoothing ? [`label smoothing ${recipe.labelSmoothing}`] : []),
  ].join(' · ');
}
