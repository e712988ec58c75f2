import { fromArchitecture, type Sequential } from '@s4/core';
import type { ZooModel } from './zoo-model';

/** A fresh, untrained network of a zoo model, initialised like PyTorch from `seed`. */
export function createModel(model: ZooModel, seed = model.recipe.seed): Sequential {
  return fromArchitecture(model.architecture, { seed });
}
