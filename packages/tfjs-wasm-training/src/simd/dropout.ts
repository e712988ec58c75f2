/**
 * S4's WebAssembly SIMD dropout (dropout.wat) on the wasm backend's memory; see instantiate.ts
 * for when it is unavailable.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { WASM_BASE64 } from './dropout-bytes';
import { instantiateOnBackend } from './instantiate';

export interface DropoutOps {
  dropout(x: number, y: number, n: number, state: number, threshold: number, scale: number): void;
}

export function dropoutOps(backend: KernelBackend): DropoutOps | undefined {
  return instantiateOnBackend<DropoutOps>(backend, 'dropout', WASM_BASE64);
}
