import { getBackend, getKernel } from '@tensorflow/tfjs-core';
import { S4_RELU_GRAD } from './relu-grad';

/**
 * Whether S4's kernels are registered for the active backend (`registerWasmTrainingKernels`,
 * implementation `'s4'`), read from tfjs's kernel registry. This package's ops take their
 * fused path only then, and tfjs's composition otherwise.
 */
export function s4KernelsActive(): boolean {
  return getKernel(S4_RELU_GRAD, getBackend()) !== undefined;
}
