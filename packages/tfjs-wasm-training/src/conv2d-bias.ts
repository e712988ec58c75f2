/**
 * conv2d(x, w) + bias as one `FusedConv2D` kernel (on wasm, S4's GEMM starts its sums from the
 * bias: no separate pass over the output), for `Conv2d` layers with a bias.
 *
 * Not `tf.fused.conv2d`: its gradient is a `customGrad`, which computes every input's gradient,
 * including the input gradient of a network's first layer that nothing reads (a full
 * convolution per step). The gradient registered here for `FusedConv2D` hands the engine one
 * thunk per input, so the tape only runs the ones it needs, as tfjs's own `Conv2D` gradient does.
 */
import {
  add,
  conv2d,
  engine,
  FusedConv2D,
  type FusedConv2DAttrs,
  type GradConfig,
  getGradient,
  type NamedAttrMap,
  reshape,
  sum,
  type Tensor,
  type Tensor1D,
  type Tensor4D,
} from '@tensorflow/tfjs-core';
import { s4KernelsActive } from './active';

/** S4's gradient of `FusedConv2D` (conv + bias), registered by `registerWasmTrainingKernels`. */
export const conv2dBiasGrad: GradConfig = {
  kernelName: FusedConv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter] = saved as [Tensor4D, Tensor4D];
    const { strides, pad, dimRoundingMode, activation, dataFormat } =
      attrs as unknown as FusedConv2DAttrs;
    if (activation !== 'linear' || dataFormat !== 'NHWC') {
      throw new Error(`S4's FusedConv2D gradient covers conv + bias in NHWC only`);
    }
    const convAttrs = { strides, pad, dataFormat, dimRoundingMode };
    const g = dy as Tensor4D;
    return {
      x: () =>
        engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, {
          ...convAttrs,
          inputShape: x.shape,
        } as unknown as NamedAttrMap) as Tensor,
      filter: () =>
        engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, {
          ...convAttrs,
          filterShape: filter.shape,
        } as unknown as NamedAttrMap) as Tensor,
      bias: () => reshape(sum(g, [0, 1, 2]), [filter.shape[3]]),
    };
  },
};

export type Conv2dPadding = 'valid' | 'same' | number;

export function conv2dWithBias(
  x: Tensor4D,
  filter: Tensor4D,
  bias: Tensor1D,
  strides: [number, number],
  pad: Conv2dPadding,
): Tensor4D {
  // Without S4's kernels (tfjs's stock ones, or another backend), the stock composition.
  if (!s4KernelsActive() || getGradient(FusedConv2D) !== conv2dBiasGrad) {
    return add(conv2d(x, filter, strides, pad), bias);
  }
  const attrs = {
    strides,
    pad,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: undefined,
    activation: 'linear',
  };
  return engine().runKernel(
    FusedConv2D,
    { x, filter, bias },
    attrs as unknown as NamedAttrMap,
  ) as Tensor4D;
}
