/**
 * `Sum` for the wasm backend with a fast path for reductions over the leading axes of a float32
 * tensor — what every bias gradient is (Σ over N, H, W of an NHWC activation). tfjs's kernel
 * first transposes the whole activation so the reduced axes are innermost; here the tensor is
 * read in place as [M, C] and summed as one XNNPACK matrix-vector product with a row of ones.
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
    const outShape = keepDims
      ? backend_util.expandShapeToKeepDim(x.shape.slice(axes.length), axes)
      : x.shape.slice(axes.length);
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
