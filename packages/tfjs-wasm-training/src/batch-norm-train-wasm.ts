/**
 * The wasm versions of S4's fused batch-norm kernels, composed from the wasm backend's SIMD
 * kernels instead of JS loops: per-channel sums as one matrix-vector product with a row of ones
 * ([1, M] × [M, C], XNNPACK-fast, no transpose), and the elementwise work as broadcasting
 * binary ops. Measured faster than both tfjs's composition and a JS loop over the heap
 * (PROFILE.md). Same inputs and outputs as the cpu kernels in batch-norm-train.ts, including the
 * fused ReLU (attribute `relu`; the ReLU's output `y` as an input of the gradient).
 */
import type { KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { S4_RELU_GRAD } from './relu-grad';
import { channelOps, offsetOf, type WasmBackendInternals } from './simd/channel-ops';
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
  const { eps, relu = false } = attrs as { eps: number; relu?: boolean };
  const { m, c } = flat(x);
  if (simdFold(m, c) !== undefined && channelOps(backend) !== undefined) {
    return batchNormTrainSimd(backend as WasmBackendInternals, x, gamma, beta, eps, relu);
  }
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
  const affine = binary(backend, 'Add', scaled, beta);
  const y2d = relu ? runWasmKernel('Relu', backend, { x: affine }) : affine;
  const y = reshape(backend, y2d, x.shape);
  const xHatOut = reshape(backend, xHat, x.shape);
  release(backend, ones, x2d, centred, squared, xHat, scaled, y2d);
  if (relu) release(backend, affine);
  return [y, mean, variance, invStd, xHatOut];
};

export const batchNormTrainGradWasm: KernelFunc = ({ inputs, backend: anyBackend }) => {
  const backend = anyBackend as KernelBackend;
  const {
    dy,
    xHat: xHatIn,
    gamma,
    invStd,
    y: reluOut,
  } = inputs as Record<'dy' | 'xHat' | 'gamma' | 'invStd', TensorInfo> & { y?: TensorInfo };
  const { m, c } = flat(xHatIn);
  if (simdFold(m, c) !== undefined && channelOps(backend) !== undefined) {
    return batchNormTrainGradSimd(
      backend as WasmBackendInternals,
      dy,
      xHatIn,
      gamma,
      invStd,
      reluOut,
    );
  }
  if (reluOut !== undefined) {
    // The composed path: the ReLU's gradient as its own kernel first.
    const masked = runWasmKernel(S4_RELU_GRAD, backend, { dy, x: reluOut });
    const grads = batchNormTrainGradWasm({
      inputs: { dy: masked, xHat: xHatIn, gamma, invStd },
      backend,
      attrs: {},
    }) as TensorInfo[];
    release(backend, masked);
    return grads;
  }
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

/**
 * The same two kernels with S4's SIMD module (simd/channel-ops.wat): two passes over memory
 * each way. Statistics are summed relative to the first row (a per-channel shift), so
 * E[x²] − E[x]² does not cancel catastrophically.
 *
 * The module works on rows of whole SIMD vectors. A channel count that is not a multiple of 4
 * is folded: [M, C] is read as [M / k, k·C] with k·C a multiple of 4 (C = 10: 2 rows of 10 as
 * one of 20), the per-channel parameters are repeated k times and the k partial sums of each
 * channel added up. Undefined when M is not a multiple of k (then the composed path runs).
 */
function simdFold(m: number, c: number): number | undefined {
  const k = c % 4 === 0 ? 1 : c % 2 === 0 ? 2 : 4;
  return m % k === 0 ? k : undefined;
}

/** `values` (c of them) repeated k times into the heap at `at`. */
function tiled(heap: Float32Array, at: number, values: ArrayLike<number>, k: number): void {
  const c = values.length;
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < c; i++) heap[at / 4 + j * c + i] = values[i]!;
  }
}

/** The k partial sums of each channel, from kc float64 totals at `at`. */
function folded(buffer: ArrayBufferLike, at: number, c: number, k: number): Float64Array {
  const totals = new Float64Array(buffer, at, k * c);
  const sums = new Float64Array(c);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < c; i++) sums[i]! += totals[j * c + i]!;
  }
  return sums;
}

function withScratch<T>(backend: WasmBackendInternals, bytes: number, run: (at: number) => T): T {
  const at = backend.wasm._malloc(bytes);
  try {
    return run(at);
  } finally {
    backend.wasm._free(at);
  }
}

function batchNormTrainSimd(
  backend: WasmBackendInternals,
  x: TensorInfo,
  gamma: TensorInfo,
  beta: TensorInfo,
  eps: number,
  relu: boolean,
): TensorInfo[] {
  const ops = channelOps(backend)!;
  const { m, c } = flat(x);
  const k = simdFold(m, c)!;
  const rows = m / k;
  const kc = k * c;
  const y = backend.makeOutput(x.shape, 'float32');
  const xHat = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([c], 'float32');
  const variance = backend.makeOutput([c], 'float32');
  const invStd = backend.makeOutput([c], 'float32');
  // scratch: 2kc f32 block sums | 2kc f64 totals | kc f32 shift | 4kc f32 affine parameters
  withScratch(backend, 8 * kc + 16 * kc + 4 * kc + 16 * kc, (at) => {
    const xAt = offsetOf(backend, x);
    const totals = at + 8 * kc;
    const shiftAt = totals + 16 * kc;
    const params = shiftAt + 4 * kc;
    const heap = new Float32Array(backend.wasm.HEAPU8.buffer);
    const shift = heap.slice(xAt / 4, xAt / 4 + c);
    tiled(heap, shiftAt, shift, k);
    ops.channel_sums(xAt, xAt, shiftAt, rows, kc, at, totals, totals + 8 * kc);
    const buffer = backend.wasm.HEAPU8.buffer;
    const sumX = folded(buffer, totals, c, k);
    const sumXX = folded(buffer, totals + 8 * kc, c, k);
    const g = heap.subarray(offsetOf(backend, gamma) / 4, offsetOf(backend, gamma) / 4 + c);
    const b = heap.subarray(offsetOf(backend, beta) / 4, offsetOf(backend, beta) / 4 + c);
    const meanOut = heap.subarray(offsetOf(backend, mean) / 4, offsetOf(backend, mean) / 4 + c);
    const varOut = heap.subarray(
      offsetOf(backend, variance) / 4,
      offsetOf(backend, variance) / 4 + c,
    );
    const invOut = heap.subarray(offsetOf(backend, invStd) / 4, offsetOf(backend, invStd) / 4 + c);
    const p = new Float32Array(4 * c);
    for (let i = 0; i < c; i++) {
      const centredMean = sumX[i]! / m;
      const mu = shift[i]! + centredMean;
      const v = Math.max(0, sumXX[i]! / m - centredMean * centredMean);
      const s = 1 / Math.sqrt(v + eps);
      meanOut[i] = mu;
      varOut[i] = v;
      invOut[i] = s;
      p[i] = g[i]! * s; // y = x·γ·s + (β − μ·γ·s)
      p[c + i] = b[i]! - mu * g[i]! * s;
      p[2 * c + i] = s; // x̂ = x·s − μ·s
      p[3 * c + i] = -mu * s;
    }
    for (let q = 0; q < 4; q++) tiled(heap, params + 4 * q * kc, p.subarray(q * c, (q + 1) * c), k);
    (relu ? ops.affine2_relu : ops.affine2)(
      xAt,
      rows,
      kc,
      params,
      params + 4 * kc,
      offsetOf(backend, y),
      params + 8 * kc,
      params + 12 * kc,
      offsetOf(backend, xHat),
    );
  });
  return [y, mean, variance, invStd, xHat];
}

function batchNormTrainGradSimd(
  backend: WasmBackendInternals,
  dy: TensorInfo,
  xHat: TensorInfo,
  gamma: TensorInfo,
  invStd: TensorInfo,
  reluOut: TensorInfo | undefined,
): TensorInfo[] {
  const ops = channelOps(backend)!;
  const { m, c } = flat(xHat);
  const k = simdFold(m, c)!;
  const rows = m / k;
  const kc = k * c;
  const dx = backend.makeOutput(xHat.shape, 'float32');
  const dGamma = backend.makeOutput([c], 'float32');
  const dBeta = backend.makeOutput([c], 'float32');
  // scratch: 2kc f32 block sums | 2kc f64 totals | 4kc f32 (zero shift, then p, q, r)
  withScratch(backend, 8 * kc + 16 * kc + 16 * kc, (at) => {
    const totals = at + 8 * kc;
    const params = totals + 16 * kc;
    const dyAt = offsetOf(backend, dy);
    const xHatAt = offsetOf(backend, xHat);
    const maskAt = reluOut === undefined ? 0 : offsetOf(backend, reluOut);
    new Float32Array(backend.wasm.HEAPU8.buffer, params, kc).fill(0);
    if (reluOut === undefined) {
      ops.channel_sums(dyAt, xHatAt, params, rows, kc, at, totals, totals + 8 * kc);
    } else {
      ops.channel_sums_masked(dyAt, maskAt, xHatAt, rows, kc, at, totals, totals + 8 * kc);
    }
    const buffer = backend.wasm.HEAPU8.buffer;
    const sumDyAll = folded(buffer, totals, c, k);
    const sumDyXHatAll = folded(buffer, totals + 8 * kc, c, k);
    const heap = new Float32Array(buffer);
    const g = heap.subarray(offsetOf(backend, gamma) / 4, offsetOf(backend, gamma) / 4 + c);
    const s = heap.subarray(offsetOf(backend, invStd) / 4, offsetOf(backend, invStd) / 4 + c);
    const dGammaOut = heap.subarray(
      offsetOf(backend, dGamma) / 4,
      offsetOf(backend, dGamma) / 4 + c,
    );
    const dBetaOut = heap.subarray(offsetOf(backend, dBeta) / 4, offsetOf(backend, dBeta) / 4 + c);
    const p = new Float32Array(3 * c);
    for (let i = 0; i < c; i++) {
      const sumDy = sumDyAll[i]!;
      const sumDyXHat = sumDyXHatAll[i]!;
      const ki = g[i]! * s[i]!;
      dBetaOut[i] = sumDy;
      dGammaOut[i] = sumDyXHat;
      p[i] = ki; // dx = dy·k − x̂·(k·Σdy·x̂/M) − k·Σdy/M
      p[c + i] = (-ki * sumDyXHat) / m;
      p[2 * c + i] = (-ki * sumDy) / m;
    }
    for (let q = 0; q < 3; q++) {
      tiled(heap, params + 4 * (q + 1) * kc, p.subarray(q * c, (q + 1) * c), k);
    }
    const [p1, q1, r1, out] = [
      params + 4 * kc,
      params + 8 * kc,
      params + 12 * kc,
      offsetOf(backend, dx),
    ];
    if (reluOut === undefined) ops.combine(dyAt, xHatAt, rows, kc, p1, q1, r1, out);
    else ops.combine_masked(dyAt, maskAt, xHatAt, rows, kc, p1, q1, r1, out);
  });
  return [dx, dGamma, dBeta];
}
