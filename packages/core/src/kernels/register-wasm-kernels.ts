/**
 * Registers the kernels S4 adds to (or replaces in) tfjs's wasm backend for training.
 * `initBackend` calls `registerWasmTrainingKernels()` before every backend switch.
 */
import {
  findBackend,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { batchNormTrainKernelConfigs } from './batch-norm-train';
import { conv2dWasmConfig } from './conv2d';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input';
import { dropoutKernelConfigs } from './dropout';
import { fusedConv2dWasmConfig } from './fused-conv2d';
import { identityWasmConfig } from './identity';
import { s4KernelSwitch } from './kernel-switch';
import { maxPoolGradWasmConfig } from './max-pool-grad';
import { reluGradKernelConfigs, useS4ReluGrad } from './relu-grad';
import { sumWasmConfig } from './sum-leading-axes';

const S4_WASM_KERNELS: readonly KernelConfig[] = [
  conv2dBackpropFilterWasmConfig,
  conv2dBackpropInputWasmConfig,
  maxPoolGradWasmConfig,
];

/** S4's own ops (new kernel names), registered for both backends S4 supports. */
const S4_OWN_KERNELS: readonly KernelConfig[] = [
  ...batchNormTrainKernelConfigs,
  ...dropoutKernelConfigs,
  ...reluGradKernelConfigs,
];

/** Names of the wasm kernels S4 registers (added or replacing tfjs's own). */
export const S4_WASM_KERNEL_NAMES: readonly string[] = [
  ...S4_WASM_KERNELS.map((k) => k.kernelName),
  'Sum',
  'Conv2D',
  'FusedConv2D',
  'Identity',
];

/** tfjs's own wasm kernels that ours replace, kept so benchmarks can compare. */
const replacedTfjsKernels = new Map<string, KernelConfig>();
let active = false;

export function registerWasmTrainingKernels(): void {
  if (active) return;
  active = true;
  for (const config of S4_WASM_KERNELS) {
    const existing = getKernel(config.kernelName, 'wasm');
    if (existing !== undefined) {
      if (existing.kernelFunc !== config.kernelFunc) {
        replacedTfjsKernels.set(config.kernelName, existing);
      }
      unregisterKernel(config.kernelName, 'wasm');
    }
    registerKernel(config);
  }
  // Kernels that wrap tfjs's own (fast path here, the rest there) are built around it.
  const wrappers: Array<[string, (tfjs: KernelConfig) => KernelConfig]> = [
    ['Sum', sumWasmConfig],
    ['Conv2D', conv2dWasmConfig],
    ['FusedConv2D', fusedConv2dWasmConfig],
    ['Identity', identityWasmConfig],
  ];
  for (const [name, wrap] of wrappers) {
    const tfjsKernel = replacedTfjsKernels.get(name) ?? getKernel(name, 'wasm');
    if (tfjsKernel === undefined) continue;
    replacedTfjsKernels.set(name, tfjsKernel);
    unregisterKernel(name, 'wasm');
    registerKernel(wrap(tfjsKernel));
  }
  for (const config of S4_OWN_KERNELS) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
  useS4ReluGrad(true);
}

/**
 * Switches between S4's wasm kernels (the default) and tfjs's stock ones, for benchmarks and
 * bisecting: `false` restores tfjs's kernels where it has them, makes `batchNormTrainFused`
 * fall back to tfjs ops and autodiff, and leaves S4's kernels where tfjs has none (it has no
 * `Conv2DBackpropFilter` on wasm, so conv training needs ours either way).
 */
export function useS4WasmKernels(enabled: boolean): void {
  s4KernelSwitch.enabled = enabled;
  if (enabled) {
    registerWasmTrainingKernels();
    return;
  }
  registerWasmTrainingKernels();
  useS4ReluGrad(false);
  // tfjs runs a kernel's setup (binding its C++ entry point) when the backend initialises;
  // ours were registered before that, so the restored kernels need their setup now.
  const wasm = findBackend('wasm');
  for (const [name, config] of replacedTfjsKernels) {
    unregisterKernel(name, 'wasm');
    registerKernel(config);
    if (wasm !== null) config.setupFunc?.(wasm);
  }
  active = false;
}
