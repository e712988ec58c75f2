export type { BatchNormBatchStats, BatchNormTrainOptions } from './batch-norm-train';
export { batchNormTrainFused } from './batch-norm-train';
export type { Conv2dPadding } from './conv2d-bias';
export { conv2dWithBias } from './conv2d-bias';
export { dropoutFused } from './dropout';
export type { WasmTrainingOptions, WinogradMode } from './options';
export { registerWasmTrainingKernels, S4_WASM_KERNEL_NAMES } from './register-wasm-kernels';
