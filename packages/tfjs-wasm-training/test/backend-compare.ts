/** Helpers of the kernel tests that compare the wasm backend with the cpu reference. */
import { expect } from 'vitest';
import type { WasmTrainingOptions } from '../src/index';
import { initBackend, type tf } from './backend';

/** max |a − b| over max |b|: relative to the reference's scale, so near-zero entries are fair. */
export function maxRelativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - reference[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return diff / Math.max(scale, Number.MIN_VALUE);
}

/**
 * Runs `run` on `backend`, the kernels registered with `kernels`, and returns its result's
 * values (the tensor is disposed).
 */
export async function onBackend(
  backend: 'wasm' | 'cpu',
  run: () => tf.Tensor,
  kernels?: WasmTrainingOptions,
): Promise<Float32Array> {
  await initBackend({ backend, kernels });
  const out = run();
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}
