/**
 * S4's own WebAssembly SIMD module (channel-ops.wat), instantiated on the wasm backend's memory
 * so it reads and writes tensors in place. One instance per backend; `undefined` where the
 * backend's memory is not reachable or SIMD is unsupported (callers then use tfjs kernels).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { WASM_BASE64 } from './channel-ops-bytes';

export interface ChannelOps {
  channel_sums(
    a: number,
    b: number,
    shift: number,
    rows: number,
    channels: number,
    scratch: number,
    outA: number,
    outAB: number,
  ): void;
  affine2(
    x: number,
    rows: number,
    channels: number,
    p1: number,
    q1: number,
    out1: number,
    p2: number,
    q2: number,
    out2: number,
  ): void;
  max_pool2_grad(
    x: number,
    dy: number,
    dx: number,
    images: number,
    height: number,
    width: number,
    channels: number,
    outHeight: number,
    outWidth: number,
  ): void;
  combine(
    a: number,
    b: number,
    rows: number,
    channels: number,
    p: number,
    q: number,
    r: number,
    out: number,
  ): void;
}

/** The parts of tfjs's BackendWasm this module relies on. */
export interface WasmBackendInternals extends KernelBackend {
  wasm: {
    asm?: { memory?: WebAssembly.Memory };
    HEAPU8: Uint8Array;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

const instances = new WeakMap<object, ChannelOps | null>();

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function channelOps(backend: KernelBackend): ChannelOps | undefined {
  const internals = backend as Partial<WasmBackendInternals>;
  const wasm = internals.wasm;
  if (wasm === undefined) return undefined;
  let ops = instances.get(wasm);
  if (ops === undefined) {
    ops = null;
    const memory = wasm.asm?.memory;
    if (memory instanceof WebAssembly.Memory) {
      try {
        const module = new WebAssembly.Module(decodeBase64(WASM_BASE64));
        const instance = new WebAssembly.Instance(module, { env: { memory } });
        ops = instance.exports as unknown as ChannelOps;
      } catch {
        ops = null; // no SIMD (or no bulk memory) in this engine: keep the tfjs-kernel path
      }
    }
    instances.set(wasm, ops);
  }
  return ops ?? undefined;
}

export function offsetOf(backend: WasmBackendInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('S4 SIMD kernels: tensor data is not on the wasm heap');
  return data.memoryOffset;
}
