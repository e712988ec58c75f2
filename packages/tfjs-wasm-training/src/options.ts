/**
 * The one object that configures the kernels, passed to `registerWasmTrainingKernels` (and, in
 * S4, to `initBackend({ kernels })`). The kernels are built from it at registration, so their
 * behaviour lives in tfjs's kernel registry rather than in module-level switches: registering
 * again with other options replaces them.
 */

/** Where stride-1 3×3 convolutions (and their filter gradients) use Winograd F(2×2, 3×3). */
export type WinogradMode = 'auto' | 'always' | 'never';

export interface WasmTrainingOptions {
  /**
   * `'s4'` (the default): S4's kernels. `'tfjs'`: tfjs's own wasm kernels wherever tfjs has one,
   * and S4's only where it has none (`Conv2DBackpropFilter`, without S4's SIMD), for comparing
   * the two in one process.
   */
  implementation?: 's4' | 'tfjs';
  /**
   * `'auto'` (the default): Winograd for the channel counts where it measured faster;
   * `'always'` wherever it applies; `'never'`: direct convolution only.
   */
  winograd?: WinogradMode;
  /**
   * Use the relaxed-SIMD (fused multiply-add) builds of the convolution modules where the
   * engine supports them (default true). FMA rounds once instead of twice, so results can
   * differ in the last bits between CPUs with and without it; false gives the same bits on
   * every engine.
   */
  relaxedSimd?: boolean;
}

/** The options with every default filled in, as the kernels read them. */
export interface KernelSettings {
  readonly implementation: 's4' | 'tfjs';
  readonly winograd: WinogradMode;
  readonly relaxedSimd: boolean;
}

const IMPLEMENTATIONS = ['s4', 'tfjs'] as const;
const WINOGRAD_MODES = ['auto', 'always', 'never'] as const;

function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (allowed.includes(value as T)) return value as T;
  throw new TypeError(
    `registerWasmTrainingKernels: option "${name}" must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(value)}`,
  );
}

/** Validates `options` and fills in the defaults; a bad value throws a TypeError naming it. */
export function resolveKernelSettings(options: WasmTrainingOptions = {}): KernelSettings {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `registerWasmTrainingKernels: options must be an object, got ${JSON.stringify(options)}`,
    );
  }
  const relaxedSimd = options.relaxedSimd ?? true;
  if (typeof relaxedSimd !== 'boolean') {
    throw new TypeError(
      `registerWasmTrainingKernels: option "relaxedSimd" must be a boolean, got ${JSON.stringify(options.relaxedSimd)}`,
    );
  }
  return {
    implementation: oneOf('implementation', options.implementation, IMPLEMENTATIONS, 's4'),
    winograd: oneOf('winograd', options.winograd, WINOGRAD_MODES, 'auto'),
    relaxedSimd,
  };
}

/** The settings of a plain `registerWasmTrainingKernels()`. */
export const DEFAULT_KERNEL_SETTINGS: KernelSettings = resolveKernelSettings();
