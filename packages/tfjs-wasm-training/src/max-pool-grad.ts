/**
 * MaxPoolGrad for the wasm backend as one pass over the heap: each output's gradient goes to the
 * first maximum of its window (row-major scan, like tfjs's cpu kernel and PyTorch), so ties —
 * common after a ReLU — never split or duplicate a gradient. tfjs's own wasm MaxPoolGrad was
 * the single slowest kernel of a conv-net training step (see PROFILE.md).
 */
import {
  backend_util,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { channelOps, offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { runTypedArrayKernel } from './typed-array-kernel';

export const maxPoolGradWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const ops = channelOps(backend as KernelBackend);
  const simdShape =
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0 &&
    outHeight === Math.floor(inHeight / 2) &&
    outWidth === Math.floor(inWidth / 2) &&
    channels >= 4;
  if (ops !== undefined && simdShape && dy.dtype === 'float32' && input.dtype === 'float32') {
    // The common 2×2/2 pool: S4's SIMD kernel (simd/channel-ops.wat), in place on the heap.
    const wasm = backend as WasmBackendInternals;
    const dx = wasm.makeOutput(input.shape, 'float32');
    ops.max_pool2_grad(
      offsetOf(wasm, input),
      offsetOf(wasm, dy),
      offsetOf(wasm, dx),
      batchSize,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
    );
    return dx;
  }
  const [dx] = runTypedArrayKernel(
    'MaxPoolGrad',
    backend as KernelBackend,
    [dy, input],
    [input.shape],
    ([dyValues, x], [dxValues]) => {
      const dyv = dyValues!;
      const xv = x!;
      const out = dxValues!;
      out.fill(0);
      // Channels innermost: every inner loop walks contiguous memory. `best`/`bestAt` hold the
      // running maximum and its index for each channel of the current window.
      const best = new Float32Array(channels);
      const bestAt = new Int32Array(channels);
      const rowStride = inWidth * channels;
      const imageStride = inHeight * rowStride;
      let o = 0;
      for (let n = 0; n < batchSize; n++) {
        const imageBase = n * imageStride;
        for (let oy = 0; oy < outHeight; oy++) {
          const y0 = Math.max(0, oy * strideHeight - top);
          const y1 = Math.min(inHeight, oy * strideHeight - top + filterHeight);
          for (let ox = 0; ox < outWidth; ox++, o += channels) {
            const x0 = Math.max(0, ox * strideWidth - left);
            const x1 = Math.min(inWidth, ox * strideWidth - left + filterWidth);
            best.fill(Number.NEGATIVE_INFINITY);
            bestAt.fill(-1);
            for (let yy = y0; yy < y1; yy++) {
              for (let xx = x0; xx < x1; xx++) {
                const base = imageBase + yy * rowStride + xx * channels;
                for (let c = 0; c < channels; c++) {
                  const value = xv[base + c]!;
                  // Strictly greater: the first maximum in scan order wins a tie.
                  if (value > best[c]!) {
                    best[c] = value;
                    bestAt[c] = base + c;
                  }
                }
              }
            }
            for (let c = 0; c < channels; c++) {
              const at = bestAt[c]!;
              if (at >= 0) out[at] = out[at]! + dyv[o + c]!;
            }
          }
        }
      }
    },
  );
  return dx!;
};

export const maxPoolGradWasmConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm,
};
