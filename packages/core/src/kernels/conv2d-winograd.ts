/**
 * Winograd F(2×2, 3×3) for the stride-1 3×3 convolutions that dominate the zoo's steps (and their
 * input gradients, which conv2d-backprop-input.ts turns into such convolutions): 16 multiplies
 * per 2×2 output tile and (ci, co) instead of 36, for a few adds in the input and output
 * transforms (simd/winograd.wat). Slightly less exact than direct convolution (the transforms
 * round), see test/kernels-winograd.test.ts.
 */
import type { backend_util, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { winogradOps } from './simd/winograd';

/** `auto`: the measured shape rule (see `prefersWinograd`); the others are for tests and benchmarks. */
export const winogradSettings: { mode: 'auto' | 'always' | 'never' } = { mode: 'auto' };

/**
 * Tiles per block: the block's [16, tiles, ci] and [16, tiles, co] scratch stays in L2, and a
 * multiple of 4 (the GEMM's tile block) whose planes are not 4 KiB apart (64 tiles × 16 channels
 * were: 16 planes in one L1 set, ~1.5× slower).
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
    info.dilationWidth === 1 &&
    info.inChannels % 4 === 0 &&
    info.outChannels % 4 === 0
  );
}

/**
 * The shape rule, from CPU-time measurements of the zoo's layers (PROFILE.md, round 3): Winograd
 * wins from 8→12 channels up (1.2× there, 1.5–1.8× at 16–32 channels, any output size), and
 * loses at 8→8 and 4→16, where its transforms outweigh the short GEMMs.
 */
function prefersWinograd(info: backend_util.Conv2DInfo): boolean {
  const { inChannels, outChannels } = info;
  return inChannels >= 8 && outChannels >= 8 && inChannels * outChannels >= 96;
}

/**
 * y = conv(xp, filter) (+ bias) by Winograd, where `xp` is the input already padded to
 * [n, outHeight + 2, outWidth + 2, ci]; undefined where this path does not apply.
 */
export function conv2dWinograd(
  backend: KernelBackend,
  xp: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  info: backend_util.Conv2DInfo,
): TensorInfo | undefined {
  if (winogradSettings.mode === 'never' || !supports(info)) return undefined;
  if (winogradSettings.mode === 'auto' && !prefersWinograd(info)) return undefined;
  const ops = winogradOps(backend);
  if (ops === undefined) return undefined;
  const { inChannels: ci, outChannels: co, outHeight, outWidth } = info;
  const wasm = backend as WasmBackendInternals;
  const y = wasm.makeOutput(info.outShape, 'float32');
  const u = wasm.wasm._malloc(4 * 16 * ci * co);
  const v = wasm.wasm._malloc(4 * 16 * BLOCK_TILES * ci);
  const m = wasm.wasm._malloc(4 * 16 * BLOCK_TILES * co);
  ops.winograd_filter(offsetOf(wasm, filter), u, ci, co);
  ops.winograd(
    offsetOf(wasm, xp),
    u,
    bias === undefined ? 0 : offsetOf(wasm, bias),
    offsetOf(wasm, y),
    v,
    m,
    info.batchSize,
    outHeight,
    outWidth,
    ci,
    co,
    BLOCK_TILES,
  );
  for (const p of [u, v, m]) wasm.wasm._free(p);
  return y;
}
