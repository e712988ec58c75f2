/**
 * S4's per-channel WebAssembly SIMD module (channel-ops.wat), instantiated on the wasm
 * backend's memory so it reads and writes tensors in place (see instantiate.ts).
 */
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { WASM_BASE64 } from './channel-ops-bytes';
import { instantiateOnBackend } from './instantiate';

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
  affine2_relu(
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
  channel_sums_masked(
    a: number,
    mask: number,
    b: number,
    rows: number,
    channels: number,
    scratch: number,
    outA: number,
    outAB: number,
  ): void;
  combine_masked(
    a: number,
    mask: number,
    b: number,
    rows: number,
    channels: number,
    p: number,
    q: number,
    r: number,
    out: number,
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

export function channelOps(backend: KernelBackend): ChannelOps | undefined {
  return instantiateOnBackend<ChannelOps>(backend, 'channel-ops', WASM_BASE64);
}

export function offsetOf(backend: WasmBackendInternals, t: TensorInfo): number {
  const data = backend.dataIdMap.get(t.dataId);
  if (data === undefined) throw new Error('S4 SIMD kernels: tensor data is not on the wasm heap');
  return data.memoryOffset;
}
