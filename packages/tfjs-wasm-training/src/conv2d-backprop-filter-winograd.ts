/**
 * The filter gradient of a stride-1 3×3 convolution by Winograd F(2×2, 3×3), the adjoint of
 * conv2d-winograd.ts: dW = Σ over 2×2 output tiles Gᵀ [(Bᵀ d B) ⊙ (A dy Aᵀ)] G, i.e. 16 GEMMs
 * [ci, tiles] · [tiles, co] summed over the batch's tiles, 16 multiplies per tile and (ci, co)
 * instead of 36 (simd/winograd.wat, `winograd_filter_grad`).
 */
import type { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelSettings } from './options';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { winogradOps } from './simd/winograd';

/** Tiles per block, as in conv2d-winograd.ts. */
const BLOCK_TILES = 60;

/**
 * Winograd computes dW only when both sides have at least 8 channels and their product is at
 * least 144 (12→12 and up): below that, on the large early maps, the two transforms per tile
 * cost more than the short GEMMs they save.
 */
function prefersWinograd(info: backend_util.Conv2DInfo): boolean {
  const { inChannels: ci, outChannels: co } = info;
  return ci >= 8 && co >= 8 && ci * co >= 144;
}

/** dW for `info` (float32 NHWC) by Winograd; undefined where this path does not apply. */
export function conv2dBackpropFilterWinograd(
  backend: KernelBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  settings: KernelSettings,
): TensorInfo | undefined {
  const { inChannels: ci, outChannels: co, outHeight, outWidth, padInfo } = info;
  if (
    settings.winograd === 'never' ||
    info.filterHeight !== 3 ||
    info.filterWidth !== 3 ||
    info.strideHeight !== 1 ||
    info.strideWidth !== 1 ||
    info.dilationHeight !== 1 ||
    info.dilationWidth !== 1 ||
    ci % 4 !== 0 ||
    co % 4 !== 0 ||
    padInfo.top < 0 ||
    padInfo.left < 0 ||
    (settings.winograd === 'auto' && !prefersWinograd(info))
  ) {
    return undefined;
  }
  const ops = winogradOps(backend, settings.relaxedSimd);
  if (ops === undefined) return undefined;
  const wasm = backend as WasmBackendInternals;
  const dw = wasm.makeOutput([3, 3, ci, co], 'float32');
  const scratch = [16 * BLOCK_TILES * ci, 16 * BLOCK_TILES * co, 16 * ci * co, 16 * ci].map((n) =>
    wasm.wasm._malloc(4 * n),
  );
  const [v, yv, acc, patch] = scratch as [number, number, number, number];
  ops.winograd_filter_grad(
    offsetOf(wasm, x),
    offsetOf(wasm, dy),
    offsetOf(wasm, dw),
    v,
    yv,
    acc,
    patch,
    info.batchSize,
    info.inHeight,
    info.inWidth,
    padInfo.top,
    padInfo.left,
    outHeight,
    outWidth,
    ci,
    co,
    BLOCK_TILES,
  );
  for (const p of scratch) wasm.wasm._free(p);
  return dw;
}
