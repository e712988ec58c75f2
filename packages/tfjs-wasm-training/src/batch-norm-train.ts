/**
 * Training-mode batch normalisation as two fused kernels (forward, backward) over the channels-
 * last layout, for BatchNorm1d/2d. The cpu kernels here are JS loops (float64 sums); the wasm
 * ones (batch-norm-train-wasm.ts) compose the backend's SIMD kernels. tfjs composes it from ~20 kernels per layer — reductions over
 * non-innermost axes that first transpose the whole activation, broadcasts, `Tile` in the
 * gradient — which made BatchNorm the largest cost of a conv-net step on wasm (PROFILE.md).
 *
 * Forward, per channel c over the M = N·H·W positions (sums in float64):
 *   mean = Σx / M,  var = Σx² / M − mean² (biased),  invStd = 1/√(var + eps),
 *   x̂ = (x − mean)·invStd,  y = x̂·γ + β
 * Backward, from the x̂ = (x − mean)·invStd the forward outputs:
 *   dβ = Σdy,  dγ = Σdy·x̂,  dx = γ·invStd · (dy − dβ/M − x̂ · dγ/M)
 * With `relu` (a ReLU right after, as in the zoo's conv blocks) the forward outputs max(y, 0)
 * and the backward, given that output, first masks dy with it (dy where out > 0, else 0, as
 * ReLU's gradient does): the ReLU's passes over the activation and its gradient's stored copy
 * disappear, with the same values as the two layers run apart.
 */
import {
  add,
  customGrad,
  engine,
  type GradSaveFunc,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  moments,
  mul,
  type NamedAttrMap,
  relu as reluOp,
  rsqrt,
  sub,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { s4KernelsActive } from './active';
import { batchNormTrainGradWasm, batchNormTrainWasm } from './batch-norm-train-wasm';
import { runTypedArrayKernel } from './typed-array-kernel';

export const S4_BATCH_NORM_TRAIN = 'S4BatchNormTrain';
export const S4_BATCH_NORM_TRAIN_GRAD = 'S4BatchNormTrainGrad';

function channelsOf(x: TensorInfo): { channels: number; positions: number } {
  const channels = x.shape[x.shape.length - 1] ?? 1;
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { channels, positions: size / channels };
}

const batchNormTrainKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, gamma, beta } = inputs as { x: TensorInfo; gamma: TensorInfo; beta: TensorInfo };
  const { eps, relu } = attrs as { eps: number; relu?: boolean };
  const { channels: C, positions: M } = channelsOf(x);
  return runTypedArrayKernel(
    S4_BATCH_NORM_TRAIN,
    backend as KernelBackend,
    [x, gamma, beta],
    [x.shape, [C], [C], [C], x.shape],
    ([xv, g, b], [y, meanOut, varOut, invStdOut, xHatOut]) => {
      const xs = xv!;
      const sum = new Float64Array(C);
      const sumSq = new Float64Array(C);
      for (let i = 0, base = 0; i < M; i++, base += C) {
        for (let c = 0; c < C; c++) {
          const v = xs[base + c]!;
          sum[c] = sum[c]! + v;
          sumSq[c] = sumSq[c]! + v * v;
        }
      }
      const shift = new Float64Array(C);
      const centre = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        const mean = sum[c]! / M;
        const variance = Math.max(0, sumSq[c]! / M - mean * mean);
        const invStd = 1 / Math.sqrt(variance + eps);
        meanOut![c] = mean;
        varOut![c] = variance;
        invStdOut![c] = invStd;
        centre[c] = mean;
        shift[c] = b![c]!;
      }
      const ys = y!;
      const xHats = xHatOut!;
      for (let i = 0, base = 0; i < M; i++, base += C) {
        for (let c = 0; c < C; c++) {
          const xHat = (xs[base + c]! - centre[c]!) * invStdOut![c]!;
          xHats[base + c] = xHat;
          const v = xHat * g![c]! + shift[c]!;
          ys[base + c] = relu && !(v > 0) ? 0 : v;
        }
      }
    },
  );
};

const batchNormTrainGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { dy, xHat, gamma, invStd, y } = inputs as Record<
    'dy' | 'xHat' | 'gamma' | 'invStd',
    TensorInfo
  > & { y?: TensorInfo };
  const { channels: C, positions: M } = channelsOf(xHat);
  return runTypedArrayKernel(
    S4_BATCH_NORM_TRAIN_GRAD,
    backend as KernelBackend,
    [dy, xHat, gamma, invStd, y ?? dy],
    [xHat.shape, [C], [C]],
    ([dyv, xHatv, g, s, out], [dxOut, dGamma, dBeta]) => {
      const dys = y === undefined ? dyv! : dyv!.map((d, i) => (out![i]! > 0 ? d : 0));
      const xHats = xHatv!;
      const sumDy = new Float64Array(C);
      const sumDyXHat = new Float64Array(C);
      for (let i = 0, base = 0; i < M; i++, base += C) {
        for (let c = 0; c < C; c++) {
          const d = dys[base + c]!;
          sumDy[c] = sumDy[c]! + d;
          sumDyXHat[c] = sumDyXHat[c]! + d * xHats[base + c]!;
        }
      }
      const k = new Float64Array(C);
      const meanDy = new Float64Array(C);
      const meanDyXHat = new Float64Array(C);
      for (let c = 0; c < C; c++) {
        dBeta![c] = sumDy[c]!;
        dGamma![c] = sumDyXHat[c]!;
        k[c] = g![c]! * s![c]!;
        meanDy[c] = sumDy[c]! / M;
        meanDyXHat[c] = sumDyXHat[c]! / M;
      }
      const dx = dxOut!;
      for (let i = 0, base = 0; i < M; i++, base += C) {
        for (let c = 0; c < C; c++) {
          dx[base + c] = k[c]! * (dys[base + c]! - meanDy[c]! - xHats[base + c]! * meanDyXHat[c]!);
        }
      }
    },
  );
};

export const batchNormTrainKernelConfigs: readonly KernelConfig[] = [
  { kernelName: S4_BATCH_NORM_TRAIN, backendName: 'cpu', kernelFunc: batchNormTrainKernel },
  {
    kernelName: S4_BATCH_NORM_TRAIN_GRAD,
    backendName: 'cpu',
    kernelFunc: batchNormTrainGradKernel,
  },
  { kernelName: S4_BATCH_NORM_TRAIN, backendName: 'wasm', kernelFunc: batchNormTrainWasm },
  { kernelName: S4_BATCH_NORM_TRAIN_GRAD, backendName: 'wasm', kernelFunc: batchNormTrainGradWasm },
];

export interface BatchNormTrainOptions {
  /** Receives the batch statistics inside the forward (for running-statistics updates). */
  onBatchStats?: (stats: BatchNormBatchStats) => void;
  /** Apply a ReLU to the output, fused into the same kernels (forward and backward). */
  relu?: boolean;
}

export interface BatchNormBatchStats {
  /** Per-channel batch mean `[C]`. */
  mean: Tensor;
  /** Per-channel biased batch variance `[C]` (PyTorch's running_var wants var·M/(M−1)). */
  variance: Tensor;
  /** Positions per channel, M = N·H·W (N for BatchNorm1d). */
  count: number;
}

/**
 * Training-mode batch norm over every axis but the last: one fused kernel forward, one
 * backward (gradients for x, γ and β). `onBatchStats` receives the batch statistics inside the
 * forward (for running-statistics updates; they are not on the gradient tape). Where S4's
 * kernels are not registered for the active backend, the same computation from tfjs ops.
 * `options` may also be the `onBatchStats` callback alone.
 */
export function batchNormTrainFused(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps: number,
  options: BatchNormTrainOptions | BatchNormTrainOptions['onBatchStats'] = {},
): Tensor {
  const { onBatchStats, relu = false } =
    typeof options === 'function' ? { onBatchStats: options } : options;
  if (!s4KernelsActive()) {
    const y = batchNormTrainTfjsOps(x, gamma, beta, eps, onBatchStats);
    return relu ? reluOp(y) : y;
  }
  const op = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input, g, b, save] = args as [Tensor, Tensor, Tensor, GradSaveFunc];
    const [y, mean, variance, invStd, xHat] = engine().runKernel(
      S4_BATCH_NORM_TRAIN,
      { x: input, gamma: g, beta: b },
      { eps, relu } as unknown as NamedAttrMap,
    ) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    onBatchStats?.({ mean, variance, count: input.size / (g.size || 1) });
    // x̂ is kept for the backward pass (one activation-sized tensor, as PyTorch keeps): it
    // saves recomputing it there. With the ReLU, its output too (for the mask).
    save(relu ? [xHat, g, invStd, y] : [xHat, g, invStd]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xHats, gs, is, out] = saved as [Tensor, Tensor, Tensor, Tensor?];
        return engine().runKernel(S4_BATCH_NORM_TRAIN_GRAD, {
          dy,
          xHat: xHats,
          gamma: gs,
          invStd: is,
          ...(out === undefined ? {} : { y: out }),
        }) as Tensor[];
      },
    };
  });
  return op(x, gamma, beta);
}

/** The same computation from stock tfjs ops and autodiff: the baseline S4's kernels replace. */
function batchNormTrainTfjsOps(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps: number,
  onBatchStats?: (stats: BatchNormBatchStats) => void,
): Tensor {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = moments(x, axes);
  onBatchStats?.({ mean, variance, count: x.size / (gamma.size || 1) });
  return add(mul(mul(sub(x, mean), rsqrt(add(variance, eps))), gamma), beta);
}
