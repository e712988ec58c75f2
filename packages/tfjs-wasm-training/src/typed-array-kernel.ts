/**
 * Runs a kernel written as a plain loop over Float32Arrays on the wasm or the cpu backend.
 *
 * On wasm the arrays are views straight into the wasm heap: no copy in, no copy out. A loop in
 * JS over contiguous memory beats chains of tiny tfjs kernels (each a heap allocation and a
 * pass over memory) for the memory-bound parts of training: batch-norm statistics and
 * gradients, pooling gradients.
 */
import type { DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

interface CpuLikeBackend extends KernelBackend {
  makeTensorInfo(shape: number[], dtype: DataType, values: Float32Array): TensorInfo;
}

function isWasm(backend: KernelBackend): backend is WasmHeapBackend {
  return typeof (backend as Partial<WasmHeapBackend>).typedArrayFromHeap === 'function';
}

export function runTypedArrayKernel(
  kernelName: string,
  backend: KernelBackend,
  inputs: TensorInfo[],
  outputShapes: number[][],
  compute: (inputs: Float32Array[], outputs: Float32Array[]) => void,
): TensorInfo[] {
  for (const t of inputs) {
    if (t.dtype !== 'float32') {
      throw new Error(`${kernelName}: expected float32 inputs, got ${t.dtype} [${t.shape}]`);
    }
  }
  if (isWasm(backend)) {
    // Allocate every output before taking any view: an allocation can grow the heap, which
    // detaches views taken earlier.
    const outputs = outputShapes.map((shape) => backend.makeOutput(shape, 'float32'));
    const view = (t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
    compute(inputs.map(view), outputs.map(view));
    return outputs;
  }
  const cpu = backend as CpuLikeBackend;
  if (typeof cpu.makeTensorInfo !== 'function') {
    throw new Error(`${kernelName}: unsupported backend (wasm and cpu only)`);
  }
  const inputArrays = inputs.map((t) => cpu.readSync(t.dataId) as Float32Array);
  const outputArrays = outputShapes.map(
    (shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)),
  );
  compute(inputArrays, outputArrays);
  return outputShapes.map((shape, i) => cpu.makeTensorInfo(shape, 'float32', outputArrays[i]!));
}
