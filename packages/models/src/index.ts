export {
  type ConstraintCheck,
  type ConstraintId,
  checkConstraints,
  MAX_PARAMS,
  meetsAllConstraints,
} from './constraints';
export { createModel } from './create-model';
export { UnknownModelError } from './errors';
export { type LayerSpec, sequential, type UnnamedLayerSpec } from './layer-spec';
export { layerParamCount, paramCount } from './param-count';
export { BlankImageError, preprocessDigit, type RasterImage } from './preprocess-digit';
export {
  type AugmentRecipe,
  describeRecipe,
  type OptimizerName,
  type OptimizerRecipe,
  type Recipe,
  type SchedulerName,
  type SchedulerRecipe,
} from './recipe';
export { augmentOptions, createOptimizer, createScheduler } from './recipe-to-core';
export { s4 } from './s4';
export { seedArch1 } from './seed-arch1';
export { seedArch2 } from './seed-arch2';
export {
  type LoadShippedOptions,
  loadCheckpointFromUrl,
  loadShippedModel,
  type ShippedRun,
  shippedRun,
  shippedWeightsUrl,
} from './shipped-weights';
export { VERSION } from './version';
export { DEFAULT_MODEL, getZooModel, modelNames, ZOO } from './zoo';
export type { ZooModel } from './zoo-model';
