// `@s4/core/tf`: tfjs as S4 sets it up (one engine; gradients and chained ops registered), for
// writing your own layers and losses, and the fused batch-norm op S4's training kernels add.
export type { BatchNormBatchStats } from '@s4/tfjs-wasm-training';
export { batchNormTrainFused } from '@s4/tfjs-wasm-training';
export { tf } from '../backend';
