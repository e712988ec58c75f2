import type { OptimizerName, Recipe, SchedulerName, SchedulerRecipe } from './recipe';

/**
 * Each scheduler's settings when a run names it without a recipe that has it: PyTorch's
 * OneCycleLR cycle (20% warm-up, lr from max/10 down to max/1000, momentum cycled), StepLR every
 * 5 epochs ×0.1, ReduceLROnPlateau ×0.1 after 2 epochs without improvement.
 */
export const SCHEDULER_DEFAULTS: { readonly [N in SchedulerName]: SchedulerRecipe & { name: N } } =
  {
    onecycle: {
      name: 'onecycle',
      pctStart: 0.2,
      divFactor: 10,
      finalDivFactor: 100,
      cycleMomentum: true,
    },
    step: { name: 'step', stepSize: 5, gamma: 0.1 },
    plateau: { name: 'plateau', factor: 0.1, patience: 2 },
    none: { name: 'none' },
  };

/** An optimizer's learning rate when a run switches to it without giving one (PyTorch's usual). */
export const DEFAULT_LR: { readonly [N in OptimizerName]: number } = {
  sgd: 0.01,
  adam: 1e-3,
  adamw: 1e-3,
};

/**
 * The zoo's recipe for its tiny CNNs: SGD with Nesterov momentum 0.9 under OneCycle, batch 128,
 * 15 epochs, random rotation of ±7°, seed 1; only the peak learning rate differs per model.
 */
export function sgdOneCycleRecipe(lr: number): Recipe {
  return {
    optimizer: { name: 'sgd', lr, momentum: 0.9, nesterov: true, weightDecay: 0 },
    scheduler: { ...SCHEDULER_DEFAULTS.onecycle },
    batchSize: 128,
    epochs: 15,
    augment: { rotate: 7 },
    seed: 1,
  };
}
