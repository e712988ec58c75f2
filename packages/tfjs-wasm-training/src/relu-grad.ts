/**
 * ReLU's gradient as one kernel, dx = x > 0 ? dy : 0, in place of tfjs's `dy · cast(step(x))`
 * (three kernels and three passes over the activation per ReLU per step). Registered as the
 * gradient of tfjs's `Relu` kernel while S4's kernels are registered (`registerWasmTrainingKernels`).
 */
import {
  engine,
  type GradConfig,
  getBackend,
  getGradient,
  getKernel,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  Relu,
  registerGradient,
  type Tensor,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { offsetOf, type WasmBackendInternals } from './simd/channel-ops';
import { reluGradOps } from './simd/relu-grad';
import { runTypedArrayKernel } from './typed-array-kernel';

export const S4_RELU_GRAD = 'S4ReluGrad';

const reluGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const ops = reluGradOps(backend as KernelBackend);
  if (ops !== undefined && dy.dtype === 'float32' && x.dtype === 'float32') {
    const wasm = backend as WasmBackendInternals;
    const dx = wasm.makeOutput(x.shape, 'float32');
    const n = x.shape.reduce((p, d) => p * d, 1);
    ops.relu_grad(offsetOf(wasm, dy), offsetOf(wasm, x), offsetOf(wasm, dx), n);
    return dx;
  }
  const [dx] = runTypedArrayKernel(
    S4_RELU_GRAD,
    backend as KernelBackend,
    [dy, x],
    [x.shape],
    ([dys, xs], [out]) => {
      for (let i = 0; i < xs!.length; i++) out![i] = xs![i]! > 0 ? dys![i]! : 0;
    },
  );
  return dx!;
};

export const reluGradKernelConfigs: readonly KernelConfig[] = [
  { kernelName: S4_RELU_GRAD, backendName: 'cpu', kernelFunc: reluGradKernel },
  { kernelName: S4_RELU_GRAD, backendName: 'wasm', kernelFunc: reluGradKernel },
];

/** Our gradient of `Relu`, remembering tfjs's (for backends without our kernel, and `'tfjs'`). */
interface ReluGradConfig extends GradConfig {
  s4Replaces: GradConfig;
}

function s4ReluGradConfig(tfjs: GradConfig): ReluGradConfig {
  return {
    kernelName: Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      // A gradient is registered for every backend: where ours has no kernel (webgl, …), tfjs's.
      if (getKernel(S4_RELU_GRAD, getBackend()) === undefined) {
        return tfjs.gradFunc(dy, saved, attrs);
      }
      const [x] = saved as [Tensor];
      return { x: () => engine().runKernel(S4_RELU_GRAD, { dy: dy as Tensor, x }) as Tensor };
    },
    s4Replaces: tfjs,
  };
}

/** Makes S4's kernel (true) or tfjs's composition (false) the gradient of `Relu`. */
export function useS4ReluGrad(enabled: boolean): void {
  const current = getGradient(Relu) as ReluGradConfig | undefined;
  if (current === undefined) return; // tfjs's gradients are not registered: nothing to replace
  const tfjs = current.s4Replaces ?? current;
  if (enabled && current.s4Replaces === undefined) registerGradient(s4ReluGradConfig(tfjs));
  if (!enabled && current !== tfjs) registerGradient(tfjs);
}
