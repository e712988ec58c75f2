/**
 * Winograd F(2×2, 3×3) for the stride-1 3×3 convolutions that dominate the zoo's steps (and their
 * input gradients, which conv2d-backprop-input.ts turns into such convolutions): 16 multiplies
 * per 2×2 output tile and (ci, co) instead of 36, for a few adds in the input and output
 * transforms (simd/winograd.wat). Slightly less exact than direct convolution (the transforms
 * round), see test/kernels-winograd.test.ts.
 */
import type { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelSettings } from './options';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { winogradOps } from './simd/winograd';
import { pad, release } from './wasm-ops';

/**
 * Tiles per block: the block's [16, tiles, ci] and [16, tiles, co] scratch stays in L2, and a
 * multiple of 4 (the GEMM's tile block) whose 16 planes are not 4 KiB apart (64 tiles × 16
 * channels would put them all in the same L1 sets).
 */
const BLOCK_TILES = 60;

/** Whether `info` (already known to be float32 NHWC) is a convolution this path computes. */
function supports(info: backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 3 &&
    info.filterWidth === 3 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1
  );
}

/**
 * Winograd runs the forward conv only when the input channels are a multiple of 4 (otherwise
 * padding them costs an extra copy of x), both sides have at least 8 channels and
 * in × out (rounded up to 4) is at least 96: with fewer channels the input and output
 * transforms cost more than the short GEMMs they save.
 */
function prefersWinograd(info: backend_util.Conv2DInfo): boolean {
  const { inChannels, outChannels } = info;
  return (
    inChannels % 4 === 0 &&
    inChannels >= 8 &&
    outChannels >= 8 &&
    inChannels * up4(outChannels) >= 96
  );
}

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/**
 * y = conv(x, filter) (+ bias) by Winograd, padding x (info.padInfo, all ≥ 0) as the kernel
 * reads it; undefined where this path does not apply.
 */
export function conv2dWinograd(
  backend: KernelBackend,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  info: backend_util.Conv2DInfo,
  settings: KernelSettings,
): TensorInfo | undefined {
  // `auto`: the measured shape rule (see `prefersWinograd`).
  if (settings.winograd === 'never' || !supports(info)) return undefined;
  if (settings.winograd === 'auto' && !prefersWinograd(info)) return undefined;
  const ops = winogradOps(backend, settings.relaxedSimd);
  if (ops === undefined) return undefined;
  const { inChannels: ci, outChannels: co, outHeight, outWidth } = info;
  const wasm = backend as WasmBackendInternals;
  // The kernel works on whole SIMD vectors of channels: pad x's channels, and the filter's and
  // bias's (small copies), with zeros to multiples of 4; y gets only its co channels.
  const ci4 = up4(ci);
  const co4 = up4(co);
  const xq =
    ci4 === ci
      ? x
      : pad(backend, x, [
          [0, 0],
          [0, 0],
          [0, 0],
          [0, ci4 - ci],
        ]);
  const y = wasm.makeOutput(info.outShape, 'float32');
  const scratch: number[] = [];
  const alloc = (floats: number) => {
    const p = wasm.wasm._malloc(4 * floats);
    scratch.push(p);
    return p;
  };
  const u = alloc(16 * ci4 * co4);
  const v = alloc(16 * BLOCK_TILES * ci4);
  const m = alloc(16 * BLOCK_TILES * co4);
  const patch = alloc(16 * ci4);
  let w = offsetOf(wasm, filter);
  let b = bias === undefined ? 0 : offsetOf(wasm, bias);
  if (ci4 !== ci || co4 !== co) {
    const [filterAt, biasAt] = [w, b];
    w = alloc(9 * ci4 * co4);
    if (bias !== undefined) b = alloc(co4);
    // (a view taken after the last malloc: a grown heap detaches the old buffer)
    const heap = new Float32Array(wasm.wasm.HEAPU8.buffer);
    heap.fill(0, w / 4, w / 4 + 9 * ci4 * co4);
    for (let row = 0; row < 9 * ci; row++) {
      const at = w / 4 + (Math.floor(row / ci) * ci4 + (row % ci)) * co4;
      heap.copyWithin(at, filterAt / 4 + row * co, filterAt / 4 + (row + 1) * co);
    }
    if (bias !== undefined) {
      heap.fill(0, b / 4, b / 4 + co4);
      heap.copyWithin(b / 4, biasAt / 4, biasAt / 4 + co);
    }
  }
  ops.winograd_filter(w, u, ci4, co4);
  ops.winograd(
    offsetOf(wasm, xq),
    u,
    b,
    offsetOf(wasm, y),
    v,
    m,
    patch,
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.padInfo.top,
    info.padInfo.left,
    outHeight,
    outWidth,
    ci4,
    co4,
    co,
    BLOCK_TILES,
  );
  for (const p of scratch) wasm.wasm._free(p);
  if (xq !== x) release(backend, xq);
  return y;
}
