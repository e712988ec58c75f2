/**
 * S4's WebAssembly SIMD Winograd F(2×2, 3×3) convolution (winograd.wat) on the wasm backend's
 * memory; see instantiate.ts for when it is unavailable.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { instantiateOnBackend } from './instantiate';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from './winograd-bytes';

export interface WinogradOps extends WinogradFilterGradOps {
  winograd_filter(w: number, u: number, ciCount: number, coCount: number): void;
  winograd(
    x: number,
    u: number,
    bias: number,
    y: number,
    v: number,
    m: number,
    patch: number,
    images: number,
    inHeight: number,
    inWidth: number,
    padTop: number,
    padLeft: number,
    outHeight: number,
    outWidth: number,
    ciCount: number,
    coCount: number,
    yCoCount: number,
    blockTiles: number,
  ): void;
}

export interface WinogradFilterGradOps {
  winograd_filter_grad(
    x: number,
    dy: number,
    dw: number,
    v: number,
    yv: number,
    acc: number,
    patch: number,
    images: number,
    inHeight: number,
    inWidth: number,
    padTop: number,
    padLeft: number,
    outHeight: number,
    outWidth: number,
    ciCount: number,
    coCount: number,
    blockTiles: number,
  ): void;
}

export function winogradOps(backend: KernelBackend, relaxed = true): WinogradOps | undefined {
  return instantiateOnBackend<WinogradOps>(
    backend,
    'winograd',
    WASM_BASE64,
    WASM_RELAXED_BASE64,
    relaxed,
  );
}
