/**
 * Instantiates one of S4's WebAssembly SIMD modules on the tfjs wasm backend's own memory, so
 * it reads and writes tensors in place. One instance per backend and module; `undefined` where
 * the backend's memory is not reachable or SIMD is unsupported (callers then use tfjs kernels).
 */
import type { KernelBackend } from '@tensorflow/tfjs-core';

const instances = new WeakMap<object, Map<string, unknown>>();

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function instantiateOnBackend<Exports>(
  backend: KernelBackend,
  name: string,
  base64: string,
): Exports | undefined {
  const wasm = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm;
  if (wasm === undefined) return undefined;
  let modules = instances.get(wasm);
  if (modules === undefined) {
    modules = new Map();
    instances.set(wasm, modules);
  }
  if (!modules.has(name)) {
    let exports: unknown = null;
    const memory = wasm.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      try {
        const module = new WebAssembly.Module(decodeBase64(base64));
        exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
      } catch {
        exports = null; // no SIMD (or no bulk memory) in this engine: keep the tfjs-kernel path
      }
    }
    modules.set(name, exports);
  }
  return (modules.get(name) ?? undefined) as Exports | undefined;
}
