import {
  type AugmentOptions,
  fromArchitecture,
  MNIST_NORMALIZATION,
  type Module,
  type Normalization,
  type Optimizer,
  type Scheduler,
  type Sequential,
} from '@s4/core';
import type { LayerSpec } from './layer-spec';
import type { OptimizerName, Recipe, SchedulerName } from './recipe';
import { DEFAULT_LR, SCHEDULER_DEFAULTS } from './recipe-defaults';
import { augmentOptions, createOptimizer, createScheduler } from './recipe-to-core';
import { getZooModel } from './zoo';
import type { ZooModel } from './zoo-model';

/** What a run changes of a model's recipe (the `s4 train` options of the same names). */
export interface RecipeOverrides {
  epochs?: number | undefined;
  batchSize?: number | undefined;
  /** The learning rate (OneCycle's peak). */
  lr?: number | undefined;
  /** Another optimizer starts from its default learning rate (see DEFAULT_LR) unless `lr` is given. */
  optimizer?: OptimizerName | undefined;
  /** Another scheduler comes with its default settings (see SCHEDULER_DEFAULTS). */
  scheduler?: SchedulerName | undefined;
  seed?: number | undefined;
  /** false: no augmentation; true or absent: the recipe's. */
  augment?: boolean | undefined;
}

/** A model to plan for: a zoo entry, a parsed model file, or anything with a recipe. */
export type PlanModel = Pick<ZooModel, 'name' | 'architecture' | 'recipe'> & { title?: string };

/** `fit`'s options that a plan decides (data, events, workers and the signal are the caller's). */
export interface PlannedFitOptions {
  epochs: number;
  batchSize: number;
  optimizer: Optimizer;
  scheduler: Scheduler | undefined;
  augment: AugmentOptions | undefined;
  seed: number;
  normalization: Normalization;
  labelSmoothing: number;
}

/** Everything a training run of one model needs: its recipe after overrides, a network, `fit`'s options. */
export interface TrainingPlan {
  name: string;
  title: string;
  architecture: readonly LayerSpec[];
  recipe: Recipe;
  /** A new network with the recipe's initial weights (seeded by `recipe.seed`). */
  createNetwork(): Sequential;
  /**
   * Optimizer over `network`'s parameters, schedule over the run (`trainCount` images per
   * epoch) and the rest of the recipe, as `fit` takes them. `network` may be a resumed one.
   */
  fitOptions(network: Module, trainCount: number): PlannedFitOptions;
}

/** `recipe` with a run's overrides applied. */
export function applyOverrides(recipe: Recipe, overrides: RecipeOverrides = {}): Recipe {
  const optimizerName = overrides.optimizer ?? recipe.optimizer.name;
  const optimizer =
    optimizerName === recipe.optimizer.name
      ? { ...recipe.optimizer }
      : { name: optimizerName, lr: DEFAULT_LR[optimizerName] };
  if (overrides.lr !== undefined) optimizer.lr = overrides.lr;
  const schedulerName = overrides.scheduler ?? recipe.scheduler.name;
  return {
    optimizer,
    scheduler:
      schedulerName === recipe.scheduler.name
        ? recipe.scheduler
        : { ...SCHEDULER_DEFAULTS[schedulerName] },
    batchSize: overrides.batchSize ?? recipe.batchSize,
    epochs: overrides.epochs ?? recipe.epochs,
    augment: overrides.augment === false ? { rotate: 0 } : recipe.augment,
    ...(recipe.labelSmoothing ? { labelSmoothing: recipe.labelSmoothing } : {}),
    seed: overrides.seed ?? recipe.seed,
  };
}

/**
 * The training plan of a zoo model (by name; an unknown name throws UnknownModelError) or of a
 * model file's model, with `overrides` applied to its recipe: what the CLI, the docs' train demo
 * and the benchmarks hand to `fit`.
 */
export function trainingPlan(
  model: string | PlanModel,
  overrides: RecipeOverrides = {},
): TrainingPlan {
  const chosen = typeof model === 'string' ? getZooModel(model) : model;
  const recipe = applyOverrides(chosen.recipe, overrides);
  return {
    name: chosen.name,
    title: chosen.title ?? chosen.name,
    architecture: chosen.architecture,
    recipe,
    createNetwork: () => fromArchitecture(chosen.architecture, { seed: recipe.seed }),
    fitOptions(network, trainCount) {
      const optimizer = createOptimizer(recipe.optimizer, network);
      const scheduler = createScheduler(recipe.scheduler, optimizer, {
        epochs: recipe.epochs,
        stepsPerEpoch: Math.ceil(trainCount / recipe.batchSize),
      });
      return {
        epochs: recipe.epochs,
        batchSize: recipe.batchSize,
        optimizer,
        scheduler,
        augment: augmentOptions(recipe.augment),
        seed: recipe.seed,
        normalization: MNIST_NORMALIZATION,
        labelSmoothing: recipe.labelSmoothing ?? 0,
      };
    },
  };
}
