export {
  type ConstraintCheck,
  type ConstraintId,
  checkConstraints,
  MAX_PARAMS,
  meetsAllConstraints,
} from './constraints';
export { createModel } from './create-model';
export {
  ArchitectureError,
  type ArchitectureErrorCode,
  ModelFileError,
  type ModelFileErrorCode,
  UnknownModelError,
} from './errors';
export {
  architectureShapes,
  type FeatureShape,
  INPUT_SHAPE,
  layerOutputShape,
  outputSize,
} from './layer-shapes';
export { type LayerSpec, sequential, type UnnamedLayerSpec } from './layer-spec';
export {
  MODEL_FILE_SCHEMA_URL,
  type ModelFile,
  modelFromJson,
  parseModelFile,
  toModelFile,
} from './model-file';
export { layerParamCount, paramCount } from './param-count';
export { BlankImageError, preprocessDigit, type RasterImage } from './preprocess-digit';
export { analyzeArchitecture, CLASS_NAMES, type LayerAnalysis } from './receptive-field';
export {
  type AugmentRecipe,
  describeRecipe,
  type OptimizerName,
  type OptimizerRecipe,
  type Recipe,
  type SchedulerName,
  type SchedulerRecipe,
} from './recipe';
export { DEFAULT_LR, SCHEDULER_DEFAULTS, sgdOneCycleRecipe } from './recipe-defaults';
export { augmentOptions, createOptimizer, createScheduler } from './recipe-to-core';
export { s4 } from './s4';
export { s4Fast } from './s4-fast';
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
export {
  applyOverrides,
  type PlanModel,
  type PlannedFitOptions,
  type RecipeOverrides,
  type TrainingPlan,
  trainingPlan,
} from './training-plan';
export { LAYER_FIELDS, NUM_CLASSES, validateArchitecture } from './validate-architecture';
export { VERSION } from './version';
export { DEFAULT_MODEL, getZooModel, modelNames, ZOO } from './zoo';
export type { ZooModel } from './zoo-model';
