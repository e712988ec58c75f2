export const VERSION = '0.0.0';
export type { FromArchitectureOptions, LayerSpec, LayerType } from './architecture';
export { fromArchitecture, LAYER_TYPES, toArchitecture } from './architecture';
export type { BackendInfo, BackendName, BackendOptions, WasmPaths } from './backend';
export { initBackend, tf } from './backend';
export type {
  CheckpointContent,
  CheckpointJson,
  DecodeOptions,
  LoadedCheckpoint,
  Normalization,
  WeightSpec,
} from './checkpoint';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  MODEL_JSON,
  saveCheckpoint,
  WEIGHTS_BIN,
} from './checkpoint';
export type { CoreErrorCode } from './errors';
export { CoreError } from './errors';
export { defaultBias, kaimingUniform } from './init';
export type { BatchNormBatchStats } from './kernels/batch-norm-train';
export { batchNormTrainFused } from './kernels/batch-norm-train';
export { S4_WASM_KERNEL_NAMES, useS4WasmKernels } from './kernels/register-wasm-kernels';
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
export type { ModelSummary, SummaryOptions, SummaryRow } from './summary';
export { summary } from './summary';
