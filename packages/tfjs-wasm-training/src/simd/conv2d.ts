/**
 * S4's WebAssembly SIMD convolution (conv2d.wat) on the wasm backend's memory; see
 * instantiate.ts for when it is unavailable.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from './conv2d-bytes';
import { instantiateOnBackend } from './instantiate';

export interface Conv2dOps {
  conv2d(
    x: number,
    w: number,
    y: number,
    koff: number,
    taps: number,
    images: number,
    imageBytes: number,
    outHeight: number,
    outWidth: number,
    rowStep: number,
    colStep: number,
    coCount: number,
    /** Byte offset of coCount floats that start the sums; 0 for none. */
    bias: number,
  ): void;
}

export function conv2dOps(backend: KernelBackend, relaxed = true): Conv2dOps | undefined {
  return instantiateOnBackend<Conv2dOps>(
    backend,
    'conv2d',
    WASM_BASE64,
    WASM_RELAXED_BASE64,
    relaxed,
  );
}
