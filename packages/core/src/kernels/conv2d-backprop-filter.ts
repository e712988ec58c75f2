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
import { conv2dExplicit, cropForPadding, release, reshape, transpose } from './wasm-ops';

export const conv2dBackpropFilterWasm: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
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
};

export const conv2dBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm,
};
