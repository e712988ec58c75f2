/**
 * Conv2DBackpropFilter for the wasm backend, which has none (training a conv net on wasm throws
 * "Kernel 'Conv2DBackpropFilter' not registered" without it).
 *
 * dW[i, j, ci, co] = Σ_{n, oy, ox} x[n, oy·sh + i − top, ox·sw + j − left, ci] · dy[n, oy, ox, co]
 *
 * is itself a convolution once the batch becomes the channel axis: with X' = x as
 * [Ci, H, W, N] and F' = dy as [Ho, Wo, N, Co], dW' = conv2d(X', F', stride 1, dilation = the
 * forward stride, the forward padding) has shape [Ci, kh, kw, Co]. So the whole gradient runs
 * as one XNNPACK convolution plus three transposes instead of scalar loops.
 *
 * With at least 4 output channels, S4's own SIMD GEMM (conv-filter-grad.wat) runs instead:
 * XNNPACK treats dy as the convolution's weights and repacks them on every call, and the
 * transposes copy both operands; the GEMM reads x and dy in place, image by image.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterWinograd } from './conv2d-backprop-filter-winograd';
import type { KernelSettings } from './options';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { convFilterGradOps } from './simd/conv-filter-grad';
import { conv2dExplicit, cropForPadding, pad, release, reshape, transpose } from './wasm-ops';

function conv2dBackpropFilterWasm(
  { inputs, backend: anyBackend, attrs }: Parameters<KernelFunc>[0],
  settings: KernelSettings,
): TensorInfo {
  const backend = anyBackend as KernelBackend;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`S4 Conv2DBackpropFilter (wasm) supports NHWC only, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } =
    info;
  const { top, left } = info.padInfo;
  // Rows past the last one the forward conv read contribute nothing; a negative "bottom
  // padding" below crops them.
  const bottom = (outHeight - 1) * strideHeight + filterHeight - top - info.inHeight;
  const right = (outWidth - 1) * strideWidth + filterWidth - left - info.inWidth;

  const outChannels = info.outChannels;
  const s4 = settings.implementation === 's4';
  if (s4 && outHeight > 0 && outWidth > 0 && info.batchSize > 0) {
    // Stride-1 3×3 with enough channels: Winograd (fewer multiplies; pads as it reads).
    const winograd = conv2dBackpropFilterWinograd(backend, x, dy, info, settings);
    if (winograd !== undefined) return winograd;
  }
  if (s4 && outChannels >= 4 && outHeight > 0 && outWidth > 0) {
    const ops = convFilterGradOps(backend, settings.relaxedSimd);
    if (ops !== undefined) {
      return filterGradSimd(backend as WasmBackendInternals, ops, x, dy, info, [
        [top, Math.max(0, bottom)],
        [left, Math.max(0, right)],
      ]);
    }
  }

  const xT = transpose(backend, x, [3, 1, 2, 0]);
  const dyT = transpose(backend, dy, [1, 2, 0, 3]);
  const fit = cropForPadding(backend, xT, [
    [top, bottom],
    [left, right],
  ]);
  const dwT = conv2dExplicit(backend, fit.x, dyT, fit.padding, [strideHeight, strideWidth]);
  release(backend, xT, dyT);
  if (fit.cropped) release(backend, fit.x);
  if (inChannels === 1) {
    // [1, kh, kw, Co] → [kh, kw, 1, Co] is the same memory.
    const dw = reshape(backend, dwT, filterShape);
    release(backend, dwT);
    return dw;
  }
  const dw = transpose(backend, dwT, [1, 2, 0, 3]);
  release(backend, dwT);
  return dw;
}

function filterGradSimd(
  backend: WasmBackendInternals,
  ops: NonNullable<ReturnType<typeof convFilterGradOps>>,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
  padding: [[number, number], [number, number]],
): TensorInfo {
  const { batchSize, inChannels, outChannels, outHeight, outWidth, filterHeight, filterWidth } =
    info;
  const padded = padding.flat().some((p) => p > 0);
  const xp = padded ? pad(backend, x, [[0, 0], padding[0], padding[1], [0, 0]]) : x;
  const [, height, width] = xp.shape as [number, number, number, number];
  const taps = filterHeight * filterWidth * inChannels;
  const kBlocks = Math.ceil(taps / 4);
  const pixelBytes = 4 * inChannels;
  const wasm = backend.wasm;
  // The GEMM's result rows are whole SIMD vectors: outChannels rounded up to a multiple of 4.
  const columns = (outChannels + 3) & ~3;
  // Tap offsets (bytes from an output position's top-left input pixel), padded to whole blocks
  // of 4 with offset 0; the padding taps' rows of the scratch result are dropped.
  const koff = wasm._malloc(4 * kBlocks * 4);
  const scratch = wasm._malloc(4 * kBlocks * 4 * columns);
  const dw = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
  const offsets = new Int32Array(wasm.HEAPU8.buffer, koff, kBlocks * 4);
  offsets.fill(0);
  let k = 0;
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      for (let c = 0; c < inChannels; c++) offsets[k++] = (i * width + j) * pixelBytes + 4 * c;
    }
  }
  ops.conv_filter_grad(
    offsetOf(backend, xp),
    offsetOf(backend, dy),
    scratch,
    koff,
    batchSize,
    height * width * pixelBytes,
    outHeight,
    outWidth,
    info.strideHeight * width * pixelBytes,
    info.strideWidth * pixelBytes,
    kBlocks,
    outChannels,
  );
  const heap = wasm.HEAPU8.buffer;
  const result = new Float32Array(heap, scratch, taps * columns);
  const out = new Float32Array(heap, offsetOf(backend, dw), taps * outChannels);
  if (columns === outChannels) {
    out.set(result);
  } else {
    // The last 4 columns hold channels outChannels − 4 … outChannels − 1 (see the .wat).
    const tail = outChannels - 4;
    for (let t = 0; t < taps; t++) {
      out.set(result.subarray(t * columns, t * columns + tail), t * outChannels);
      out.set(
        result.subarray(t * columns + columns - 4, (t + 1) * columns),
        t * outChannels + tail,
      );
    }
  }
  wasm._free(koff);
  wasm._free(scratch);
  if (padded) release(backend, xp);
  return dw;
}

/**
 * tfjs has no `Conv2DBackpropFilter` on wasm, so this kernel is registered with either
 * implementation: `'tfjs'` keeps only its XNNPACK-convolution path (no S4 SIMD).
 */
export function conv2dBackpropFilterWasmConfig(settings: KernelSettings): KernelConfig {
  return {
    kernelName: Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: (args) => conv2dBackpropFilterWasm(args, settings),
  };
}
