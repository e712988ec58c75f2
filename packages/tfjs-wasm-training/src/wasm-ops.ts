/**
 * Direct calls into the wasm backend's registered kernel functions, for kernels composed of
 * other kernels. Going around the engine keeps the composite off the gradient tape and out of
 * the profiler's per-op bookkeeping, and lets us free every intermediate as soon as it is used.
 */
import {
  getKernel,
  type KernelBackend,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

export function runWasmKernel(
  kernelName: string,
  backend: KernelBackend,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`S4 wasm kernels need tfjs's wasm kernel '${kernelName}', which is missing`);
  }
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`S4 wasm kernels expected one output from '${kernelName}', got ${out.length}`);
  }
  return out;
}

/** Frees intermediates; a tensor is only released when the last reference goes. */
export function release(backend: KernelBackend, ...tensors: TensorInfo[]): void {
  for (const t of tensors) backend.disposeData(t.dataId);
}

export function transpose(backend: KernelBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return runWasmKernel('Transpose', backend, { x }, { perm });
}

export function reshape(backend: KernelBackend, x: TensorInfo, shape: number[]): TensorInfo {
  return runWasmKernel('Reshape', backend, { x }, { shape });
}

export function slice(
  backend: KernelBackend,
  x: TensorInfo,
  begin: number[],
  size: number[],
): TensorInfo {
  return runWasmKernel('Slice', backend, { x }, { begin, size });
}

export function pad(backend: KernelBackend, x: TensorInfo, paddings: Array<[number, number]>) {
  return runWasmKernel('PadV2', backend, { x }, { paddings, constantValue: 0 });
}

export function reverse(backend: KernelBackend, x: TensorInfo, dims: number[]): TensorInfo {
  return runWasmKernel('Reverse', backend, { x }, { dims });
}

/**
 * XNNPACK convolution with explicit (possibly asymmetric) padding, stride 1 unless given.
 * `padding` is [[top, bottom], [left, right]], all ≥ 0.
 */
export function conv2dExplicit(
  backend: KernelBackend,
  x: TensorInfo,
  filter: TensorInfo,
  padding: [[number, number], [number, number]],
  dilations: [number, number] = [1, 1],
): TensorInfo {
  return runWasmKernel('Conv2D', backend, { x, filter }, {
    strides: [1, 1],
    pad: [[0, 0], padding[0], padding[1], [0, 0]],
    dataFormat: 'NHWC',
    dilations,
    dimRoundingMode: undefined,
  } as unknown as NamedAttrMap);
}

/**
 * Applies per-side padding to the two spatial axes of an NHWC tensor where it is positive and
 * crops where it is negative, so callers can express "this many rows before/after" freely.
 * Returns the (possibly cropped) tensor and the non-negative padding left for the conv.
 */
export function cropForPadding(
  backend: KernelBackend,
  x: TensorInfo,
  padding: [[number, number], [number, number]],
): { x: TensorInfo; padding: [[number, number], [number, number]]; cropped: boolean } {
  const [[top, bottom], [left, right]] = padding;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return { x, padding, cropped: false };
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
  const size = [n, h - begin[1]! - Math.max(0, -bottom), w - begin[2]! - Math.max(0, -right), c];
  return {
    x: slice(backend, x, begin, size),
    padding: [
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
    ],
    cropped: true,
  };
}
