/**
 * Registers the kernels S4 adds to (or replaces in) tfjs's wasm backend for training.
 * Idempotent: `initBackend` calls it before every backend switch.
 */
import {
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input';

const S4_WASM_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  conv2dBackpropInputWasmConfig,
];

/** tfjs's own wasm kernels that ours replace, kept for benchmarks and comparisons. */
export const replacedWasmKernels = new Map<string, KernelConfig>();

let registered = false;

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const config of S4_WASM_KERNELS) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing !== undefined) {
      replacedWasmKernels.set(config.kernelName, existing);
      unregisterKernel(config.kernelName, 'wasm');
    }
    registerKernel(config);
  }
}
