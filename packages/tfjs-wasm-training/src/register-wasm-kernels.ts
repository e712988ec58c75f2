/**
 * Registers S4's training kernels with tfjs's kernel registry: under tfjs's own kernel names
 * for the wasm backend (so any tfjs program — tfjs-layers `model.fit`, `optimizer.minimize` —
 * uses them), plus the fused kernels behind this package's ops for the wasm and cpu backends.
 * Everything is built from one options object; calling again with other options replaces it.
 */
import {
  engine,
  getKernel,
  getKernelsForBackend,
  type KernelConfig,
  registerGradient,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { batchNormTrainKernelConfigs } from './batch-norm-train';
import { conv2dWasmConfig } from './conv2d';
import { conv2dBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputWasmConfig } from './conv2d-backprop-input';
import { conv2dBiasGrad } from './conv2d-bias';
import { dropoutKernelConfigs } from './dropout';
import { fusedConv2dWasmConfig } from './fused-conv2d';
import { identityWasmConfig } from './identity';
import { maxPoolGradWasmConfig } from './max-pool-grad';
import { type KernelSettings, resolveKernelSettings, type WasmTrainingOptions } from './options';
import { reluGradKernelConfigs, useS4ReluGrad } from './relu-grad';
import { sumWasmConfig } from './sum-leading-axes';

/** A kernel of ours that takes the place of one of tfjs's, remembering it for `'tfjs'`. */
interface ReplacingKernelConfig extends KernelConfig {
  s4Replaces?: KernelConfig;
}

/**
 * tfjs's wasm kernels S4 replaces, each with how ours is built from (a wrapper around) tfjs's:
 * the wrappers take their fast path where the shape allows and call tfjs's kernel otherwise.
 */
const REPLACEMENTS: ReadonlyArray<
  [string, (tfjs: KernelConfig, settings: KernelSettings) => KernelConfig]
> = [
  ['Conv2D', conv2dWasmConfig],
  ['FusedConv2D', fusedConv2dWasmConfig],
  ['Conv2DBackpropInput', () => conv2dBackpropInputWasmConfig],
  ['MaxPoolGrad', () => maxPoolGradWasmConfig],
  ['Sum', sumWasmConfig],
  ['Identity', identityWasmConfig],
];

/** S4's own ops' kernels (new kernel names), for both backends S4 supports. */
const S4_OWN_KERNELS: readonly KernelConfig[] = [
  ...batchNormTrainKernelConfigs,
  ...dropoutKernelConfigs,
  ...reluGradKernelConfigs,
];

/** tfjs's kernel names that S4 registers for the wasm backend (added or replacing tfjs's). */
export const S4_WASM_KERNEL_NAMES: readonly string[] = [
  'Conv2DBackpropFilter',
  ...REPLACEMENTS.map(([name]) => name),
];

/** tfjs's own kernel `name` on wasm, whether or not ours currently stands in its place. */
function tfjsKernel(name: string): KernelConfig | undefined {
  const current = getKernel(name, 'wasm') as ReplacingKernelConfig | undefined;
  return current?.s4Replaces ?? current;
}

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, config.backendName) !== undefined) {
    unregisterKernel(config.kernelName, config.backendName);
  }
  registerKernel(config);
}

/**
 * Registers S4's training kernels for tfjs's `wasm` backend (see the README for the list).
 * Call it after importing `@tensorflow/tfjs-backend-wasm`, before or after `tf.setBackend`.
 * `options` selects the implementation, Winograd and relaxed SIMD (see `WasmTrainingOptions`).
 */
export function registerWasmTrainingKernels(options: WasmTrainingOptions = {}): void {
  const settings = resolveKernelSettings(options);
  if (getKernelsForBackend('wasm').length === 0) {
    throw new Error(
      "registerWasmTrainingKernels: tfjs's wasm backend has no kernels registered; import '@tensorflow/tfjs-backend-wasm' (and use the same @tensorflow/tfjs-core) before calling it",
    );
  }
  const s4 = settings.implementation === 's4';
  // tfjs has no Conv2DBackpropFilter on wasm: ours is registered either way.
  replace(conv2dBackpropFilterWasmConfig(settings));
  // A kernel's setup (binding its C++ entry point) runs when the backend initialises; a tfjs
  // kernel put back after that needs its setup now. (Ours reuse the setup of the tfjs kernel
  // they wrap, which has run by then, or runs at initialisation through ours.)
  // (Not `findBackend`: it would initialise the backend, before the app's own configuration.)
  const wasm = engine().registry.wasm;
  for (const [name, build] of REPLACEMENTS) {
    const tfjs = tfjsKernel(name);
    if (tfjs === undefined) continue;
    if (s4) {
      const ours: ReplacingKernelConfig = { ...build(tfjs, settings), s4Replaces: tfjs };
      replace(ours);
    } else if (getKernel(name, 'wasm') !== tfjs) {
      replace(tfjs);
      if (wasm !== undefined) tfjs.setupFunc?.(wasm);
    }
  }
  for (const config of S4_OWN_KERNELS) {
    if (s4) replace(config);
    else if (getKernel(config.kernelName, config.backendName) !== undefined) {
      unregisterKernel(config.kernelName, config.backendName);
    }
  }
  useS4ReluGrad(s4);
  if (s4) registerGradient(conv2dBiasGrad);
}
