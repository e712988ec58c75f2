/**
 * `Sum` for the wasm backend with a fast path for reductions over the leading axes of a float32
 * tensor — what every bias gradient is (Σ over N, H, W of an NHWC activation). tfjs's kernel
 * first transposes the whole activation so the reduced axes are innermost; here the tensor is
 * read in place as [M, C] and summed per channel by S4's SIMD module (or, when C is not a
 * multiple of 4, as one XNNPACK matrix-vector product with a row of ones).
 * Every other case goes to tfjs's own kernel.
 */
import {
  backend_util,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type SumAttrs,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { channelOps, offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { release, reshape, runWasmKernel } from './wasm-ops';

export function sumWasmConfig(tfjsSum: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return tfjsSum.kernelFunc(args);
    const m = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const c = x.shape.slice(axes.length).reduce((a, b) => a * b, 1);
    const outShape = keepDims
      ? backend_util.expandShapeToKeepDim(x.shape.slice(axes.length), axes)
      : x.shape.slice(axes.length);
    const ops = channelOps(backend);
    if (ops !== undefined && c % 4 === 0) {
      // S4's SIMD module: one read of x, float64 totals. (The matrix-vector product below packs
      // x as XNNPACK "weights" on every call, which costs more than the sum itself.)
      const wasm = backend as WasmBackendInternals;
      const out = wasm.makeOutput(outShape, 'float32');
      const at = wasm.wasm._malloc(8 * c + 16 * c + 4 * c);
      try {
        const totals = at + 8 * c;
        const zeros = totals + 16 * c;
        new Float32Array(wasm.wasm.HEAPU8.buffer, zeros, c).fill(0);
        const xAt = offsetOf(wasm, x);
        ops.channel_sums(xAt, xAt, zeros, m, c, at, totals, totals + 8 * c);
        const buffer = wasm.wasm.HEAPU8.buffer;
        new Float32Array(buffer, offsetOf(wasm, out), c).set(new Float64Array(buffer, totals, c));
      } finally {
        wasm.wasm._free(at);
      }
      return out;
    }
    const ones = runWasmKernel(
      'Fill',
      backend,
      {},
      { shape: [1, 1, m], value: 1, dtype: 'float32' },
    );
    const x3d = reshape(backend, x, [1, m, c]);
    const sums = runWasmKernel(
      'BatchMatMul',
      backend,
      { a: ones, b: x3d },
      { transposeA: false, transposeB: false },
    );
    const out = reshape(backend, sums, outShape);
    release(backend, ones, x3d, sums);
    return out;
  };
  return {
    kernelName: tfjsSum.kernelName,
    backendName: 'wasm',
    // tfjs's kernel is set up (bound to its C++ entry point) through ours.
    setupFunc: tfjsSum.setupFunc,
    kernelFunc,
  };
}
