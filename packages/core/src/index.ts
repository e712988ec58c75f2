export type { BatchNormBatchStats, WasmTrainingOptions } from '@s4/tfjs-wasm-training';
export { batchNormTrainFused, S4_WASM_KERNEL_NAMES } from '@s4/tfjs-wasm-training';
export type { FromArchitectureOptions, LayerSpec, LayerType } from './architecture';
export { fromArchitecture, LAYER_TYPES, MAX_PARAMETERS, toArchitecture } from './architecture';
export type { ReplaceFolderStep } from './atomic-folder';
export type { BackendInfo, BackendName, BackendOptions, WasmPaths } from './backend';
export { initBackend, tf } from './backend';
export type {
  CheckpointContent,
  CheckpointJson,
  DecodeOptions,
  LoadedCheckpoint,
  WeightSpec,
} from './checkpoint';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  MODEL_JSON,
  recoverCheckpoint,
  saveCheckpoint,
  WEIGHTS_BIN,
} from './checkpoint';
export type { AffineParams, AugmentOptions } from './data/augmentation';
export { affineTransformImage, sampleAffine } from './data/augmentation';
export type { PrepareBatchOptions, PreparedBatch, TrainingBatchesOptions } from './data/batches';
export { prepareBatch, prepareEvalBatch, TrainingBatches } from './data/batches';
export type { ImageDataset } from './data/dataset';
export { checkDataset, NUM_CLASSES, sliceDataset } from './data/dataset';
export type { Normalization } from './data/normalization';
export { MNIST_NORMALIZATION, normalizePixels } from './data/normalization';
export { batchToTensors } from './data/to-tensors';
export type { CoreErrorCode } from './errors';
export { CoreError } from './errors';
export type { EvaluateOptions, Evaluation } from './evaluate';
export { evaluate } from './evaluate';
export type {
  AbortedEvent,
  BatchEndEvent,
  EpochEndEvent,
  FitEvent,
  FitOptions,
  FitResult,
} from './fit';
export { fit } from './fit';
export { defaultBias, kaimingUniform } from './init';
export type { LossKind } from './losses';
export {
  crossEntropyLoss,
  lossPerExample,
  nllLoss,
  nllPerExample,
  smoothedNllPerExample,
} from './losses';
export { AvgPool2d } from './nn/avg-pool-2d';
export type { BatchNormOptions } from './nn/batch-norm';
export { BatchNorm } from './nn/batch-norm';
export { BatchNorm1d } from './nn/batch-norm-1d';
export { BatchNorm2d } from './nn/batch-norm-2d';
export type { BatchNormRunningStats } from './nn/batch-norm-function';
export { batchNormEval, batchNormTrain } from './nn/batch-norm-function';
export type { Conv2dOptions, Padding } from './nn/conv2d';
export { Conv2d } from './nn/conv2d';
export type { DropoutOptions } from './nn/dropout';
export { Dropout } from './nn/dropout';
export type { FlatEntry, FlatLayout } from './nn/flat-state';
export { Flatten } from './nn/flatten';
export type { FunctionalOption } from './nn/functional-option';
export { GlobalAvgPool } from './nn/global-avg-pool';
export type { LinearOptions } from './nn/linear';
export { Linear } from './nn/linear';
export { LogSoftmax } from './nn/log-softmax';
export type { Pool2dOptions } from './nn/max-pool-2d';
export { MaxPool2d } from './nn/max-pool-2d';
export type { ForwardHook, StateDict } from './nn/module';
export { Module } from './nn/module';
export type { Pair } from './nn/pair';
export { ReLU } from './nn/relu';
export { Sequential } from './nn/sequential';
export type { AdamOptions } from './optim/adam';
export { Adam } from './optim/adam';
export { AdamW } from './optim/adamw';
export type {
  FlatSlice,
  FlatSlots,
  Hyperparams,
  NamedVariables,
  OptimizerState,
} from './optim/optimizer';
export { Optimizer } from './optim/optimizer';
export type { SGDOptions } from './optim/sgd';
export { SGD } from './optim/sgd';
export type { ParallelWorkerOptions } from './parallel/worker-handler';
export { serveParallelWorker } from './parallel/worker-handler';
export type { FlatGradientResult, WorkerPoolOptions } from './parallel/worker-pool';
export { defaultWorkerUrl, WorkerPool } from './parallel/worker-pool';
export type { WorkerPort, WorkerPortEvent, WorkerScope } from './parallel/worker-port';
export type { OneCycleLROptions } from './schedulers/one-cycle';
export { OneCycleLR } from './schedulers/one-cycle';
export type { ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau';
export { ReduceLROnPlateau } from './schedulers/reduce-lr-on-plateau';
export type { ScheduledOptimizer, Scheduler, SchedulerState } from './schedulers/scheduler';
export type { StepLROptions } from './schedulers/step-lr';
export { StepLR } from './schedulers/step-lr';
export type { BatchPredictions, Stepper, StepResult } from './stepper';
export { localStepper } from './stepper';
export type { ModelSummary, SummaryOptions, SummaryRow } from './summary';
export { summary } from './summary';
export type { ComputeGradientsOptions, GradientResult } from './train-step';
export {
  applyGradients,
  computeGradients,
  disposeGradients,
  lossKindFor,
  trainStep,
} from './train-step';
export type { EpochSummary, LoadedTrainingCheckpoint, TrainingState } from './training-state';
export {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  TRAINING_STATE_VERSION,
  trainingStateFromCheckpoint,
  trainingStateToCheckpoint,
} from './training-state';
export { VERSION } from './version';
