/**
 * `Identity` for the wasm backend without a copy. tfjs clones (runs Identity on) every tensor
 * the gradient tape saves for the backward pass — a conv's input, a ReLU's output, each an
 * activation — and the wasm backend's Identity copies the data each time, where the cpu
 * backend only adds a reference. Tensors are immutable (a Variable's `assign` swaps in new
 * data, it does not write in place), so sharing the data, as the cpu backend does, is safe.
 */
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Identity } from '@tensorflow/tfjs-core';

interface RefCountingBackend extends KernelBackend {
  incRef(dataId: object): void;
}

export function identityWasmConfig(tfjsIdentity: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const backend = args.backend as RefCountingBackend;
    if (x.dtype === 'string' || typeof backend.incRef !== 'function') {
      return tfjsIdentity.kernelFunc(args);
    }
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  return { kernelName: Identity, backendName: 'wasm', kernelFunc };
}
