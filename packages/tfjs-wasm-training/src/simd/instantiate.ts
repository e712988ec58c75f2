/**
 * Instantiates one of S4's WebAssembly SIMD modules on the tfjs wasm backend's own memory, so
 * it reads and writes tensors in place. One instance per backend and module; `undefined` where
 * the backend's memory is not reachable or SIMD is unsupported (callers then use tfjs kernels).
 *
 * Modules with a relaxed-SIMD build (fused multiply-adds, see scripts/build-simd.mjs) use it,
 * unless the caller's settings say otherwise (`relaxedSimd: false`), where the engine accepts it: browsers with relaxed SIMD (Chrome 114+), and Node, whose V8 11
 * (Node 20) has it behind `--experimental-wasm-relaxed-simd`, which is switched on here at run
 * time before compiling (Node 22+ has it on by default). FMA rounds once instead of twice, so
 * results can differ in the last bits between CPUs with and without FMA.
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';

interface Instance {
  exports: unknown;
  relaxed: boolean;
  /** Whether the caller asked for the relaxed build (it may still be the plain one). */
  preferRelaxed: boolean;
}

const instances = new WeakMap<object, Map<string, Instance | null>>();
// The engine's capability, probed once: not a setting.
let relaxedSupport: boolean | undefined;

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function acceptsRelaxedSimd(bytes: Uint8Array<ArrayBuffer>): boolean {
  if (relaxedSupport !== undefined) return relaxedSupport;
  relaxedSupport = WebAssembly.validate(bytes);
  if (!relaxedSupport) {
    const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    const v8 = proc?.getBuiltinModule?.('node:v8') as
      | { setFlagsFromString(flags: string): void }
      | undefined;
    if (v8 !== undefined) {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      relaxedSupport = WebAssembly.validate(bytes);
    }
  }
  return relaxedSupport;
}

function instantiate(memory: WebAssembly.Memory, base64: string): unknown {
  const module = new WebAssembly.Module(decodeBase64(base64));
  return new WebAssembly.Instance(module, { env: { memory } }).exports;
}

export function instantiateOnBackend<Exports>(
  backend: KernelBackend,
  name: string,
  base64: string,
  relaxedBase64?: string,
  preferRelaxed = true,
): Exports | undefined {
  const wasm = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm;
  if (wasm === undefined) return undefined;
  let modules = instances.get(wasm);
  if (modules === undefined) {
    modules = new Map();
    instances.set(wasm, modules);
  }
  const cached = modules.get(name);
  const stale =
    cached != null && relaxedBase64 !== undefined && cached.preferRelaxed !== preferRelaxed;
  if (cached === undefined || stale) {
    let instance: Instance | null = null;
    const memory = wasm.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      if (
        preferRelaxed &&
        relaxedBase64 !== undefined &&
        acceptsRelaxedSimd(decodeBase64(relaxedBase64))
      ) {
        try {
          instance = { exports: instantiate(memory, relaxedBase64), relaxed: true, preferRelaxed };
        } catch {
          instance = null;
        }
      }
      if (instance === null) {
        try {
          instance = { exports: instantiate(memory, base64), relaxed: false, preferRelaxed };
        } catch {
          instance = null; // no SIMD (or no bulk memory) in this engine: keep the tfjs-kernel path
        }
      }
    }
    modules.set(name, instance);
  }
  return (modules.get(name)?.exports ?? undefined) as Exports | undefined;
}

/** Whether module `name` runs its relaxed-SIMD build on `backend` (once instantiated). */
export function usesRelaxedSimd(backend: KernelBackend, name: string): boolean {
  const wasm = (backend as { wasm?: object }).wasm;
  return wasm !== undefined && instances.get(wasm)?.get(name)?.relaxed === true;
}
