/**
 * The one place S4 touches tfjs. Everything else in the workspace gets tfjs as `tf` from here
 * (`import { tf } from '../backend'` inside core, `import { tf } from '@s4/core'` elsewhere), so
 * there is exactly one engine, one kernel registry and one gradient registry.
 *
 * Browser apps: the wasm backend fetches its `.wasm` binaries at run time. A bundler does not
 * know that, so serve them yourself and tell `initBackend` where they are, either
 *
 * - as a folder prefix: copy `node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm` into the
 *   app's static folder (Vite: `public/tfjs-wasm/`) and call
 *   `initBackend({ backend: 'wasm', wasmPaths: '/tfjs-wasm/' })` (the trailing slash matters);
 * - or file by file, letting the bundler fingerprint them (Vite's `?url` imports):
 *   ```ts
 *   import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
 *   import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
 *   import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
 *   await initBackend({ backend: 'wasm', wasmPaths: {
 *     'tfjs-backend-wasm.wasm': plain,
 *     'tfjs-backend-wasm-simd.wasm': simd,
 *     'tfjs-backend-wasm-threaded-simd.wasm': threaded,
 *   } });
 *   ```
 *
 * The SIMD binary is used unless `threads` > 1 is asked for on a cross-origin-isolated page
 * (COOP/COEP headers), which takes the threaded one (see `BackendOptions.threads`). In Node nothing needs configuring: the binaries are read from the installed
 * `@tensorflow/tfjs-backend-wasm` package.
 */
import { nodeBuiltin } from '@s4/runtime';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
// Gradients are registered by side effect; without this `tf.grad` throws for most ops.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
// Chained ops (`x.sum()`, `x.reshape(...)`) for readable layer code; also augments the types.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { registerWasmTrainingKernels, type WasmTrainingOptions } from '@s4/tfjs-wasm-training';

export { tf };

export type BackendName = 'wasm' | 'cpu';

/** Where the wasm binaries live: a folder URL/path ending in `/`, or one URL per file name. */
export type WasmPaths = string | Record<string, string>;

export interface BackendOptions {
  /** `'wasm'` (XNNPACK, SIMD; the default) or `'cpu'` (plain JS, the reference for tests). */
  backend?: BackendName;
  /** Browser only: where the `.wasm` files are served from (see this file's doc comment). */
  wasmPaths?: WasmPaths;
  /**
   * Threads of the wasm backend. Default 1: the unthreaded SIMD build, even on cross-origin
   * isolated pages, because S4's own SIMD kernels (the fast training path) import the backend's
   * memory as unshared. More than 1 takes tfjs's threaded build where the page allows it
   * (browser, cross-origin isolated): XNNPACK then runs multithreaded, but S4's kernels cannot
   * load into its shared memory and tfjs's slower ones train instead. For more cores while
   * training, use data-parallel workers (`fit`'s `workers`).
   */
  threads?: number;
  /**
   * How S4's training kernels (@s4/tfjs-wasm-training) are registered: S4's (the default) or
   * tfjs's stock ones (`{ implementation: 'tfjs' }`, for comparisons), Winograd, relaxed SIMD.
   * Applies from this call on, to both backends.
   */
  kernels?: WasmTrainingOptions;
}

export interface BackendInfo {
  backend: BackendName;
  /** Whether the SIMD wasm binary is in use (wasm only). */
  simd: boolean;
}

const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu'];

// The cpu backend registers itself when its module is evaluated. Bundlers resolving its
// CommonJS `main` (not covered by its `sideEffects` list) drop a bare side-effect import, so
// we reference a value from it to keep the module in every bundle.
const cpuBackendClass: unknown = MathBackendCPU;

/** The folder of the installed wasm backend's binaries, when running in Node. */
function nodeWasmFolder(): string | undefined {
  // Through nodeBuiltin, so browser bundles never see `node:*`.
  const nodeModule = nodeBuiltin('node:module');
  if (nodeModule === undefined) return undefined;
  // Resolving from this module keeps working from the source, the built dist and a user's
  // node_modules, since @tensorflow/tfjs-backend-wasm is a dependency of @s4/core.
  const require = nodeModule.createRequire(import.meta.url);
  const manifest = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return `${manifest.slice(0, -'package.json'.length)}dist/`;
}

let wasmPathsConfigured = false;

/**
 * In Node, tfjs's cpu backend greets its first tensor with a console.warn banner: "Hi, looks
 * like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our
 * node backend…" (`MathBackendCPU.write` in @tensorflow/tfjs-backend-cpu, once per backend
 * instance, when `IS_NODE`). S4 runs the cpu backend on purpose, as the reference, and has no
 * use for tfjs-node, so the banner is noise in every `--backend cpu` run. It goes through tfjs's
 * `log.warn`, which stays silent while the `PROD` flag is on (or `IS_TEST`, which also turns on
 * per-kernel leak checks). So the first tensor is written here, with `PROD` on, and `PROD` is put
 * back as it was: left on, it would also hide tfjs's other warnings, among them why a backend
 * failed to initialise. (In tfjs-core 4.22.0 `PROD` gates only warnings; no checks read it.)
 */
function spendCpuBanner(): void {
  const env = tf.env();
  const prod = env.getBool('PROD');
  env.set('PROD', true);
  try {
    tf.scalar(0).dispose();
  } finally {
    env.set('PROD', prod);
  }
}

function configureWasm(options: BackendOptions): void {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new TypeError(
      `initBackend: option "threads" must be a positive integer, got ${String(options.threads)}`,
    );
  }
  setThreadsCount(threads);
  // Read when the wasm backend first initialises: picks the binary (see `threads`).
  if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  if (options.wasmPaths !== undefined) {
    setWasmPaths(options.wasmPaths);
    wasmPathsConfigured = true;
    return;
  }
  if (wasmPathsConfigured) return;
  const folder = nodeWasmFolder();
  if (folder !== undefined) {
    setWasmPaths(folder);
    wasmPathsConfigured = true;
  }
}

/**
 * Selects and initialises a tfjs backend, registering S4's training kernels (configured by
 * `options.kernels`) first. Safe to call again: switching backends or repeating the call is cheap.
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const backend = options.backend ?? 'wasm';
  if (!BACKEND_NAMES.includes(backend)) {
    throw new TypeError(
      `initBackend: option "backend" must be one of ${BACKEND_NAMES.map((b) => `'${b}'`).join(', ')}, got ${JSON.stringify(backend)}`,
    );
  }
  if (cpuBackendClass === undefined) throw new Error('initBackend: the cpu backend is missing');
  registerWasmTrainingKernels(options.kernels);
  if (backend === 'wasm') configureWasm(options);
  const ok = await tf.setBackend(backend);
  if (!ok) {
    throw new Error(
      `initBackend: the '${backend}' backend failed to initialise` +
        (backend === 'wasm'
          ? '; in a browser, check that the .wasm files are served at the `wasmPaths` given'
          : ''),
    );
  }
  await tf.ready();
  if (backend === 'cpu') spendCpuBanner();
  const simd = backend === 'wasm' && (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { backend, simd };
}
