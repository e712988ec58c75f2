// `@s4/core`: build, train, evaluate and run networks. Checkpoints are in `@s4/core/checkpoint`,
// data-parallel workers in `@s4/core/parallel`, the ONNX exporter in `@s4/core/onnx`, tfjs
// itself (for your own layers) in `@s4/core/tf`.
export type { WasmTrainingOptions } from '@s4/tfjs-wasm-training';
export type { FromArchitectureOptions, LayerSpec, LayerType } from './architecture';
export { fromArchitecture, LAYER_TYPES, MAX_PARAMETERS, toArchitecture } from './architecture';
export type { BackendInfo, BackendName, BackendOptions, WasmPaths } from './backend';
export { initBackend } from './backend';
export type { EpochSummary } from './checkpoint/training-state';
export type { AugmentOptions } from './data/augmentation';
export type { PreparedBatch } from './data/batches';
export type { ImageDataset } from './data/dataset';
export { NUM_CLASSES, sliceDataset } from './data/dataset';
export type { Normalization } from './data/normalization';
export { MNIST_NORMALIZATION, normalizePixels } from './data/normalization';
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
export type { LossKind } from './losses';
export { crossEntropyLoss, nllLoss } from './losses';
export { AvgPool2d } from './nn/avg-pool-2d';
export type { BatchNormOptions } from './nn/batch-norm';
export { BatchNorm } from './nn/batch-norm';
export { BatchNorm1d } from './nn/batch-norm-1d';
export { BatchNorm2d } from './nn/batch-norm-2d';
export type { Conv2dOptions, Padding } from './nn/conv2d';
export { Conv2d } from './nn/conv2d';
export type { DropoutOptions } from './nn/dropout';
export { Dropout } from './nn/dropout';
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
export type { Hyperparams, NamedVariables, OptimizerState } from './optim/optimizer';
export { Optimizer } from './optim/optimizer';
export type { SGDOptions } from './optim/sgd';
export { SGD } from './optim/sgd';
export type { LayerOutput, PredictImages, Prediction, PredictOptions } from './predict';
export { predict } from './predict';
export type { OneCycleLROptions } from './schedulers/one-cycle';
export { OneCycleLR } from './schedulers/one-cycle';
export type { ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau';
export { ReduceLROnPlateau } from './schedulers/reduce-lr-on-plateau';
export type { ScheduledOptimizer, Scheduler, SchedulerState } from './schedulers/scheduler';
export type { StepLROptions } from './schedulers/step-lr';
export { StepLR } from './schedulers/step-lr';
export type { ModelSummary, SummaryOptions, SummaryRow } from './summary';
export { summary } from './summary';
export { trainStep } from './train-step';
export { VERSION } from './version';
