/**
 * Whether S4's own kernels are in use (the default) or tfjs's stock path, flipped only by
 * `useS4WasmKernels` so benchmarks can measure the difference in one process.
 */
export const s4KernelSwitch = { enabled: true };
