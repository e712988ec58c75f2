/**
 * Inverted dropout as one kernel per direction, its mask drawn inside the kernel from S4's
 * seeded generator (mulberry32, the `Rng` of @s4/runtime) instead of a JS loop that fills an
 * activation-sized mask, uploads it and multiplies (which cost about as much as the model's
 * convolutions on wasm). The generator is counter-based, so the wasm kernel (simd/dropout.wat)
 * draws four lanes at a time, and the backward pass regenerates the same mask from the same
 * state rather than keeping it: dx = dropout(dy) with the forward's attributes. The result is
 * bit for bit the JS loop's `x · (rng.next() < keep ? 1/keep : 0)`.
 */
import {
  customGrad,
  engine,
  type GradSaveFunc,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  mul,
  type NamedAttrMap,
  type Tensor,
  type TensorInfo,
  tensor,
  tidy,
} from '@tensorflow/tfjs-core';
import { s4KernelsActive } from './active';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { dropoutOps } from './simd/dropout';
import { runTypedArrayKernel } from './typed-array-kernel';

export const S4_DROPOUT = 'S4Dropout';

interface DropoutAttrs {
  /** The generator's state before the first draw (uint32). */
  state: number;
  /** ceil(keep · 2³²): a draw u keeps its element when u < threshold. */
  threshold: number;
  /** 1/keep, applied as float32. */
  scale: number;
}

/** The kernel's attributes for keep probability `keep` (0 < keep < 1) from `state`. */
export function dropoutAttrs(state: number, keep: number): DropoutAttrs {
  return { state: state >>> 0, threshold: Math.ceil(keep * 4294967296), scale: 1 / keep };
}

function dropoutLoop(x: Float32Array, y: Float32Array, attrs: DropoutAttrs): void {
  const scale = Math.fround(attrs.scale);
  let s = attrs.state;
  for (let i = 0; i < x.length; i++) {
    // Rng.nextUint32, inlined
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    y[i] = x[i]! * ((t ^ (t >>> 14)) >>> 0 < attrs.threshold ? scale : 0);
  }
}

const dropoutKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const a = attrs as unknown as DropoutAttrs;
  const ops = dropoutOps(backend as KernelBackend);
  // The SIMD module compares against the threshold as a uint32: keep ≥ 1 − 2⁻³² does not fit.
  if (ops !== undefined && x.dtype === 'float32' && a.threshold <= 0xffffffff) {
    const wasm = backend as WasmBackendInternals;
    const y = wasm.makeOutput(x.shape, 'float32');
    const n = x.shape.reduce((p, d) => p * d, 1);
    ops.dropout(offsetOf(wasm, x), offsetOf(wasm, y), n, a.state, a.threshold | 0, a.scale);
    return y;
  }
  const [y] = runTypedArrayKernel(
    S4_DROPOUT,
    backend as KernelBackend,
    [x],
    [x.shape],
    ([xv], [yv]) => dropoutLoop(xv!, yv!, a),
  );
  return y!;
};

export const dropoutKernelConfigs: readonly KernelConfig[] = [
  { kernelName: S4_DROPOUT, backendName: 'cpu', kernelFunc: dropoutKernel },
  { kernelName: S4_DROPOUT, backendName: 'wasm', kernelFunc: dropoutKernel },
];

/**
 * Training-mode inverted dropout of `x` with keep probability `keep` (0 < keep < 1), the mask
 * drawn from generator state `state`; the caller advances its generator by `x.size` draws.
 * Where S4's kernels are not registered for the active backend, tfjs's way: the same mask
 * built in JS, uploaded and multiplied (the same values).
 */
export function dropoutFused(x: Tensor, keep: number, state: number): Tensor {
  const attrs = dropoutAttrs(state, keep);
  if (!s4KernelsActive()) {
    const mask = new Float32Array(x.size).fill(1);
    dropoutLoop(mask, mask, attrs);
    return tidy(() => mul(x, tensor(mask, x.shape)));
  }
  const kernelAttrs = attrs as unknown as NamedAttrMap;
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => ({
    value: engine().runKernel(S4_DROPOUT, { x: args[0] as Tensor }, kernelAttrs) as Tensor,
    gradFunc: (dy: Tensor) => engine().runKernel(S4_DROPOUT, { x: dy }, kernelAttrs) as Tensor,
  }));
  return op(x);
}
