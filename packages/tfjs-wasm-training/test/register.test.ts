import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels, S4_WASM_KERNEL_NAMES } from '../src/index';
import { initBackend, tf } from './backend';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('registerWasmTrainingKernels', () => {
  it('names the option and the value it got when an option is wrong', () => {
    expect(() => registerWasmTrainingKernels({ winograd: 'sometimes' as 'auto' })).toThrow(
      `option "winograd" must be one of 'auto', 'always', 'never', got "sometimes"`,
    );
    expect(() => registerWasmTrainingKernels({ implementation: 'xnnpack' as 's4' })).toThrow(
      `option "implementation" must be one of 's4', 'tfjs', got "xnnpack"`,
    );
    expect(() => registerWasmTrainingKernels({ relaxedSimd: 1 as unknown as boolean })).toThrow(
      'option "relaxedSimd" must be a boolean, got 1',
    );
  });

  it("swaps S4's kernels and tfjs's in the registry, and keeps Conv2DBackpropFilter either way", async () => {
    await initBackend({ backend: 'wasm', kernels: { implementation: 'tfjs' } });
    const stock = new Map(S4_WASM_KERNEL_NAMES.map((n) => [n, tf.getKernel(n, 'wasm')]));
    expect(stock.get('Conv2DBackpropFilter')).toBeDefined();
    await initBackend({ backend: 'wasm' });
    for (const name of S4_WASM_KERNEL_NAMES) {
      const ours = tf.getKernel(name, 'wasm');
      expect(ours, name).toBeDefined();
      // Each registration builds S4's kernels anew; tfjs's own come back unchanged.
      expect(ours, name).not.toBe(stock.get(name));
    }
    await initBackend({ backend: 'wasm', kernels: { implementation: 'tfjs' } });
    for (const name of S4_WASM_KERNEL_NAMES.filter((n) => n !== 'Conv2DBackpropFilter')) {
      expect(tf.getKernel(name, 'wasm'), name).toBe(stock.get(name));
    }
    // The stock kernels still run after being put back (their setup was redone).
    const y = tf.conv2d(
      tf.ones([1, 5, 5, 2]) as tf.Tensor4D,
      tf.ones([3, 3, 2, 4]) as tf.Tensor4D,
      1,
      'valid',
    );
    expect(Array.from(y.dataSync())).toEqual(new Array(36).fill(18));
    await initBackend({ backend: 'wasm' });
  });

  it('says what to import when the wasm backend is not loaded (built package, plain Node)', async () => {
    const script = `
      await import('@tensorflow/tfjs-core');
      const { registerWasmTrainingKernels } = await import('@s4/tfjs-wasm-training');
      try { registerWasmTrainingKernels(); } catch (e) { console.log(e.message); }
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
    });
    expect(stdout).toContain("import '@tensorflow/tfjs-backend-wasm'");
  });
});
