/**
 * S4's WebAssembly SIMD filter-gradient GEMM (conv-filter-grad.wat) on the wasm backend's
 * memory; see instantiate.ts for when it is unavailable.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from './conv-filter-grad-bytes';
import { instantiateOnBackend } from './instantiate';

export interface ConvFilterGradOps {
  conv_filter_grad(
    x: number,
    dy: number,
    dw: number,
    koff: number,
    images: number,
    imageBytes: number,
    outHeight: number,
    outWidth: number,
    rowStep: number,
    colStep: number,
    kBlocks: number,
    coCount: number,
  ): void;
}

export function convFilterGradOps(
  backend: KernelBackend,
  relaxed = true,
): ConvFilterGradOps | undefined {
  return instantiateOnBackend<ConvFilterGradOps>(
    backend,
    'conv-filter-grad',
    WASM_BASE64,
    WASM_RELAXED_BASE64,
    relaxed,
  );
}
