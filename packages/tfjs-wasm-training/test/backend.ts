/**
 * The tests' backend set-up, as an application would do it: tfjs-core with its gradients, the
 * cpu and wasm backends, and this package's kernels registered with the options under test.
 */
import { createRequire } from 'node:module';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { registerWasmTrainingKernels, type WasmTrainingOptions } from '../src/index';

export { tf };

// vitest runs tfjs-backend-wasm's ESM source inline, which cannot find its .wasm files itself.
const manifest = createRequire(import.meta.url).resolve(
  '@tensorflow/tfjs-backend-wasm/package.json',
);
setWasmPaths(`${manifest.slice(0, -'package.json'.length)}dist/`);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/** Registers the kernels with `kernels` (defaults when omitted) and switches to `backend`. */
export async function initBackend(options: {
  backend: 'wasm' | 'cpu';
  kernels?: WasmTrainingOptions;
}): Promise<void> {
  registerWasmTrainingKernels(options.kernels);
  if (!(await tf.setBackend(options.backend))) {
    throw new Error(`test set-up: the '${options.backend}' backend failed to initialise`);
  }
  await tf.ready();
}
