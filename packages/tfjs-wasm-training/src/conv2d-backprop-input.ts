/**
 * Conv2DBackpropInput for the wasm backend through XNNPACK, replacing tfjs's scalar C++ loops.
 *
 * The input gradient of a convolution is a full convolution of dy with the kernel rotated by
 * 180° and its in/out channels swapped. For stride s > 1, dy is first dilated (s − 1 zeros
 * between samples), so that "transposed convolution" becomes an ordinary stride-1 one:
 *
 * dx = conv2d(dilate(dy), transpose(reverse(W, [0, 1]), [0, 1, 3, 2]),
 *             padding [kh − 1 − top, …], stride 1)
 */
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  conv2dExplicit,
  cropForPadding,
  pad,
  release,
  reshape,
  reverse,
  transpose,
} from './wasm-ops';

/** Inserts `s − 1` zeros after every row/column: [N, Ho, Wo, C] → [N, Ho·sh, Wo·sw, C]. */
function dilate(backend: KernelBackend, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  const [n, h, w, c] = dy.shape as [number, number, number, number];
  const spread = reshape(backend, dy, [n, h, 1, w, 1, c]);
  const padded = pad(backend, spread, [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  release(backend, spread);
  const dilated = reshape(backend, padded, [n, h * sh, w * sw, c]);
  release(backend, padded);
  return dilated;
}

export const conv2dBackpropInputWasm: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const {
    strides,
    pad: padding,
    dataFormat,
    dimRoundingMode,
    inputShape,
  } = attrs as unknown as Conv2DBackpropInputAttrs;
  if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
    throw new Error(`S4 Conv2DBackpropInput (wasm) supports NHWC only, got ${dataFormat}`);
  }
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    padding,
    dimRoundingMode,
  );
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;

  const flipped = reverse(backend, filter, [0, 1]);
  const kernel = transpose(backend, flipped, [0, 1, 3, 2]);
  release(backend, flipped);

  const strided = strideHeight > 1 || strideWidth > 1;
  const source = strided ? dilate(backend, dy, strideHeight, strideWidth) : dy;
  // Rows of (dilated) dy available: Ho·sh; a full correlation needs H + kh − 1 in total.
  const before: [number, number] = [filterHeight - 1 - top, filterWidth - 1 - left];
  const fit = cropForPadding(backend, source, [
    [before[0], inHeight + filterHeight - 1 - before[0] - outHeight * strideHeight],
    [before[1], inWidth + filterWidth - 1 - before[1] - outWidth * strideWidth],
  ]);
  const dx = conv2dExplicit(backend, fit.x, kernel, fit.padding);
  release(backend, kernel);
  if (fit.cropped) release(backend, fit.x);
  if (strided) release(backend, source);
  return dx;
};

export const conv2dBackpropInputWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInputWasm,
};
