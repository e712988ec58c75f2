/**
 * The wasm versions of S4's fused batch-norm kernels, composed from the wasm backend's SIMD
 * kernels instead of JS loops: per-channel sums as one matrix-vector product with a row of ones
 * ([1, M] × [M, C], XNNPACK-fast, no transpose), and the elementwise work as broadcasting
 * binary ops. Measured faster than both tfjs's composition and a JS loop over the heap
 * (PROFILE.md). Same inputs and outputs as the cpu kernels in batch-norm-train.ts.
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { release, reshape, runWasmKernel } from './wasm-ops';

interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/** Per-channel sums of a [M, C] tensor: [1, M] ones × [M, C], read back as float64. */
function channelSums(backend: KernelBackend, ones: TensorInfo, x2d: TensorInfo): Float64Array {
  const [m, c] = x2d.shape as [number, number];
  const x3d = reshape(backend, x2d, [1, m, c]);
  const sums = runWasmKernel(
    'BatchMatMul',
    backend,
    { a: ones, b: x3d },
    { transposeA: false, transposeB: false },
  );
  const values = Float64Array.from((backend as WasmHeapBackend).typedArrayFromHeap(sums));
  release(backend, x3d, sums);
  return values;
}

function vector(backend: KernelBackend, values: ArrayLike<number>): TensorInfo {
  const wasm = backend as WasmHeapBackend;
  const out = wasm.makeOutput([values.length], 'float32');
  wasm.typedArrayFromHeap(out).set(values);
  return out;
}

function binary(
  backend: KernelBackend,
  op: 'Sub' | 'Multiply' | 'Add',
  a: TensorInfo,
  b: TensorInfo,
) {
  return runWasmKernel(op, backend, { a, b });
}

function onesRow(backend: KernelBackend, m: number): TensorInfo {
  return runWasmKernel('Fill', backend, {}, { shape: [1, 1, m], value: 1, dtype: 'float32' });
}

function flat(x: TensorInfo): { m: number; c: number } {
  const c = x.shape[x.shape.length - 1] ?? 1;
  return { m: x.shape.reduce((a, b) => a * b, 1) / c, c };
}

export const batchNormTrainWasm: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = anyBackend as KernelBackend;
  const { x, gamma, beta } = inputs as Record<'x' | 'gamma' | 'beta', TensorInfo>;
  const eps = (attrs as { eps: number }).eps;
  const { m, c } = flat(x);
  const ones = onesRow(backend, m);
  const x2d = reshape(backend, x, [m, c]);
  const sums = channelSums(backend, ones, x2d);
  const meanValues = sums.map((s) => s / m);
  const mean = vector(backend, meanValues);
  // Two passes (centre, then square) keep the variance accurate when |mean| ≫ std.
  const centred = binary(backend, 'Sub', x2d, mean);
  const squared = binary(backend, 'Multiply', centred, centred);
  const varianceValues = channelSums(backend, ones, squared).map((s) => s / m);
  const invStdValues = varianceValues.map((v) => 1 / Math.sqrt(v + eps));
  const variance = vector(backend, varianceValues);
  const invStd = vector(backend, invStdValues);
  const xHat = binary(backend, 'Multiply', centred, invStd);
  const scaled = binary(backend, 'Multiply', xHat, gamma);
  const y2d = binary(backend, 'Add', scaled, beta);
  const y = reshape(backend, y2d, x.shape);
  const xHatOut = reshape(backend, xHat, x.shape);
  release(backend, ones, x2d, centred, squared, xHat, scaled, y2d);
  return [y, mean, variance, invStd, xHatOut];
};

export const batchNormTrainGradWasm: KernelFunc = ({ inputs, backend: anyBackend }) => {
  const backend = anyBackend as KernelBackend;
  const {
    dy,
    xHat: xHatIn,
    gamma,
    invStd,
  } = inputs as Record<'dy' | 'xHat' | 'gamma' | 'invStd', TensorInfo>;
  const { m, c } = flat(xHatIn);
  const wasm = backend as WasmHeapBackend;
  const gammaValues = Float64Array.from(wasm.typedArrayFromHeap(gamma));
  const invStdValues = Float64Array.from(wasm.typedArrayFromHeap(invStd));
  const ones = onesRow(backend, m);
  const xHat = reshape(backend, xHatIn, [m, c]);
  const dy2d = reshape(backend, dy, [m, c]);
  const sumDy = channelSums(backend, ones, dy2d);
  const dyXHat = binary(backend, 'Multiply', dy2d, xHat);
  const sumDyXHat = channelSums(backend, ones, dyXHat);
  // dx = k·dy − (k·Σdy·x̂/M)·x̂ − k·Σdy/M,  k = γ·invStd
  const k = gammaValues.map((g, i) => g * invStdValues[i]!);
  const dyScale = vector(backend, k);
  const xHatScale = vector(
    backend,
    k.map((ki, i) => (-ki * sumDyXHat[i]!) / m),
  );
  const shift = vector(
    backend,
    k.map((ki, i) => (-ki * sumDy[i]!) / m),
  );
  const dGamma = vector(backend, sumDyXHat);
  const dBeta = vector(backend, sumDy);
  const t1 = binary(backend, 'Multiply', dy2d, dyScale);
  const t2 = binary(backend, 'Multiply', xHat, xHatScale);
  const t3 = binary(backend, 'Add', t1, t2);
  const dx2d = binary(backend, 'Add', t3, shift);
  const dx = reshape(backend, dx2d, xHatIn.shape);
  release(backend, ones, dy2d, xHat, dyXHat, dyScale, xHatScale, shift);
  release(backend, t1, t2, t3, dx2d);
  return [dx, dGamma, dBeta];
};
