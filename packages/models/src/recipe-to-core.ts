import {
  Adam,
  AdamW,
  type AugmentOptions,
  type Module,
  OneCycleLR,
  type Optimizer,
  ReduceLROnPlateau,
  type Scheduler,
  SGD,
  StepLR,
} from '@s4/core';
import type { AugmentRecipe, OptimizerRecipe, SchedulerRecipe } from './recipe';

/** The @s4/core optimizer a recipe names, over the model's trainable parameters. */
export function createOptimizer(recipe: OptimizerRecipe, model: Module): Optimizer {
  const params = model.namedParameters();
  switch (recipe.name) {
    case 'sgd':
      return new SGD(params, {
        lr: recipe.lr,
        momentum: recipe.momentum ?? 0,
        nesterov: recipe.nesterov ?? false,
        weightDecay: recipe.weightDecay ?? 0,
      });
    case 'adam':
      return new Adam(params, { lr: recipe.lr, weightDecay: recipe.weightDecay ?? 0 });
    case 'adamw':
      return new AdamW(params, { lr: recipe.lr, weightDecay: recipe.weightDecay ?? 1e-2 });
  }
}

/**
 * The @s4/core scheduler a recipe names (undefined for a constant learning rate). OneCycle
 * peaks at the optimizer's learning rate and is stepped per batch over the whole run.
 */
export function createScheduler(
  recipe: SchedulerRecipe,
  optimizer: Optimizer,
  run: { epochs: number; stepsPerEpoch: number },
): Scheduler | undefined {
  switch (recipe.name) {
    case 'onecycle':
      return new OneCycleLR(optimizer, {
        maxLr: optimizer.lr,
        epochs: run.epochs,
        stepsPerEpoch: run.stepsPerEpoch,
        pctStart: recipe.pctStart,
        divFactor: recipe.divFactor,
        finalDivFactor: recipe.finalDivFactor,
        cycleMomentum: recipe.cycleMomentum,
      });
    case 'step':
      return new StepLR(optimizer, { stepSize: recipe.stepSize, gamma: recipe.gamma });
    case 'plateau':
      return new ReduceLROnPlateau(optimizer, { factor: recipe.factor, patience: recipe.patience });
    case 'none':
      return undefined;
  }
}

/** @s4/core's augmentation options for a recipe (undefined when it does none). */
export function augmentOptions(recipe: AugmentRecipe): AugmentOptions | undefined {
  return recipe.rotate > 0 ? { rotation: recipe.rotate } : undefined;
}
