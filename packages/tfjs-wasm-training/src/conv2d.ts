/**
 * `Conv2D` for the wasm backend with S4's SIMD implicit GEMM (simd/conv2d.wat) for float32 NHWC
 * convolutions with at least 4 output channels — every conv of the zoo, and the
 * stride-1 convolutions that the input gradient (conv2d-backprop-input.ts) is made of. For the
 * zoo's small channel counts (8–32) XNNPACK pads the output channels to its tile width and
 * walks an indirection buffer; the GEMM here reads x in place through a table of tap offsets.
 * Padding is applied first (one copy); every other case goes to tfjs's own (XNNPACK) kernel.
 */
import {
  backend_util,
  type Conv2DAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dWinograd } from './conv2d-winograd';
import type { KernelSettings } from './options';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { conv2dOps } from './simd/conv2d';
import { pad, release } from './wasm-ops';

export function conv2dWasmConfig(tfjsConv2D: KernelConfig, settings: KernelSettings): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DAttrs;
    return (
      conv2dSimd(args.backend as KernelBackend, x, filter, undefined, attrs, settings) ??
      tfjsConv2D.kernelFunc(args)
    );
  };
  return {
    kernelName: tfjsConv2D.kernelName,
    backendName: 'wasm',
    // tfjs's kernel is set up (bound to its C++ entry point) through ours.
    setupFunc: tfjsConv2D.setupFunc,
    kernelFunc,
  };
}

/**
 * The convolution with S4's GEMM, `bias` (a float32 [outChannels] vector, optional) added in
 * the GEMM; undefined when this shape or backend is not one it handles.
 */
export function conv2dSimd(
  backend: KernelBackend,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  attrs: Conv2DAttrs,
  settings: KernelSettings,
): TensorInfo | undefined {
  const { strides, pad: padding, dataFormat, dilations, dimRoundingMode } = attrs;
  const ops = conv2dOps(backend, settings.relaxedSimd);
  if (
    ops === undefined ||
    x.dtype !== 'float32' ||
    filter.dtype !== 'float32' ||
    backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast'
  ) {
    return undefined;
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    padding,
    dimRoundingMode,
  );
  const { outChannels, outHeight, outWidth, padInfo } = info;
  // Fewer than 4 output channels do not fill one SIMD vector (none of the zoo's convs).
  if (outChannels < 4 || outHeight <= 0 || outWidth <= 0 || info.batchSize === 0) {
    return undefined;
  }
  if (
    bias !== undefined &&
    (bias.dtype !== 'float32' || bias.shape.reduce((a, b) => a * b, 1) !== outChannels)
  ) {
    return undefined;
  }
  const sides: Array<[number, number]> = [
    [padInfo.top, padInfo.bottom],
    [padInfo.left, padInfo.right],
  ];
  if (sides.flat().some((p) => p < 0)) return undefined;
  const padded = sides.flat().some((p) => p > 0);
  // Stride-1 3×3 convolutions with enough channels: Winograd (fewer multiplies; pads as it reads).
  const winograd = conv2dWinograd(backend, x, filter, bias, info, settings);
  if (winograd !== undefined) return winograd;
  const xp = padded ? pad(backend, x, [[0, 0], sides[0]!, sides[1]!, [0, 0]]) : x;
  const [, , width] = xp.shape as [number, number, number, number];
  const height = xp.shape[1]!;
  const { inChannels, filterHeight, filterWidth, dilationHeight, dilationWidth } = info;
  const taps = filterHeight * filterWidth * inChannels;
  const pixelBytes = 4 * inChannels;
  const wasm = backend as WasmBackendInternals;
  const y = wasm.makeOutput(info.outShape, 'float32');
  const koff = wasm.wasm._malloc(4 * taps);
  const offsets = new Int32Array(wasm.wasm.HEAPU8.buffer, koff, taps);
  let k = 0;
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      const pixel = (i * dilationHeight * width + j * dilationWidth) * pixelBytes;
      for (let c = 0; c < inChannels; c++) offsets[k++] = pixel + 4 * c;
    }
  }
  ops.conv2d(
    offsetOf(wasm, xp),
    offsetOf(wasm, filter),
    offsetOf(wasm, y),
    koff,
    taps,
    info.batchSize,
    height * width * pixelBytes,
    outHeight,
    outWidth,
    info.strideHeight * width * pixelBytes,
    info.strideWidth * pixelBytes,
    outChannels,
    bias === undefined ? 0 : offsetOf(wasm, bias),
  );
  wasm.wasm._free(koff);
  if (padded) release(backend, xp);
  return y;
}
