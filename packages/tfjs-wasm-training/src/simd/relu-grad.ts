/**
 * S4's WebAssembly SIMD ReLU gradient (relu-grad.wat) on the wasm backend's memory; see
 * instantiate.ts for when it is unavailable.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { instantiateOnBackend } from './instantiate';
import { WASM_BASE64 } from './relu-grad-bytes';

export interface ReluGradOps {
  relu_grad(dy: number, x: number, dx: number, n: number): void;
}

export function reluGradOps(backend: KernelBackend): ReluGradOps | undefined {
  return instantiateOnBackend<ReluGradOps>(backend, 'relu-grad', WASM_BASE64);
}
