/**
 * `FusedConv2D` for the wasm backend: a convolution plus bias (activation 'linear', no PReLU
 * weights) — what `Conv2d` layers with a bias run — goes to S4's GEMM with the accumulators
 * started from the bias, which saves the separate broadcast `Add` over the whole output. Every
 * other case goes to tfjs's own FusedConv2D. tfjs-core's `fused.conv2d` gradient is built from
 * `Conv2DBackpropInput`, `Conv2DBackpropFilter` and a `Sum` for the bias, all S4's on wasm.
 */
import type {
  FusedConv2DAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dSimd } from './conv2d';
import type { KernelSettings } from './options';

export function fusedConv2dWasmConfig(
  tfjsFusedConv2D: KernelConfig,
  settings: KernelSettings,
): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as {
      x: TensorInfo;
      filter: TensorInfo;
      bias?: TensorInfo;
      preluActivationWeights?: TensorInfo;
    };
    const attrs = args.attrs as unknown as FusedConv2DAttrs;
    if ((attrs.activation ?? 'linear') === 'linear' && preluActivationWeights == null) {
      const y = conv2dSimd(
        args.backend as KernelBackend,
        x,
        filter,
        bias ?? undefined,
        attrs,
        settings,
      );
      if (y !== undefined) return y;
    }
    return tfjsFusedConv2D.kernelFunc(args);
  };
  return {
    kernelName: tfjsFusedConv2D.kernelName,
    backendName: 'wasm',
    // tfjs's kernel is set up (bound to its C++ entry point) through ours.
    setupFunc: tfjsFusedConv2D.setupFunc,
    kernelFunc,
  };
}
