import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { channelOps } from '../src/simd/channel-ops';
import { convFilterGradOps } from '../src/simd/conv-filter-grad';
import { conv2dOps } from '../src/simd/conv2d';
import { dropoutOps } from '../src/simd/dropout';
import { usesRelaxedSimd } from '../src/simd/instantiate';
import { reluGradOps } from '../src/simd/relu-grad';
import { winogradOps } from '../src/simd/winograd';
import { initBackend, tf } from './backend';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe("S4's WebAssembly SIMD modules", () => {
  it('are instantiated on the wasm backend memory (so batch norm and conv gradients take the SIMD paths)', async () => {
    const modules = [
      channelOps,
      convFilterGradOps,
      conv2dOps,
      dropoutOps,
      reluGradOps,
      winogradOps,
    ];
    await initBackend({ backend: 'wasm' });
    for (const instance of modules) expect(instance(tf.backend()), instance.name).toBeDefined();
    await initBackend({ backend: 'cpu' });
    for (const instance of modules) expect(instance(tf.backend()), instance.name).toBeUndefined();
  });

  it('computes per-channel sums in place, in float64 totals', async () => {
    await initBackend({ backend: 'wasm' });
    const ops = channelOps(tf.backend())!;
    const backend = tf.backend() as unknown as {
      wasm: { HEAPU8: Uint8Array; _malloc(n: number): number; _free(p: number): void };
    };
    const rows = 1000;
    const channels = 8;
    const values = Float32Array.from(
      { length: rows * channels },
      (_, i) => ((i * 7919) % 101) / 10,
    );
    const a = backend.wasm._malloc(values.byteLength);
    const shift = backend.wasm._malloc(4 * channels);
    const scratch = backend.wasm._malloc(8 * channels);
    const totals = backend.wasm._malloc(16 * channels);
    const heap = () => backend.wasm.HEAPU8.buffer;
    new Float32Array(heap(), a, values.length).set(values);
    new Float32Array(heap(), shift, channels).fill(1);
    ops.channel_sums(a, a, shift, rows, channels, scratch, totals, totals + 8 * channels);
    const sums = new Float64Array(heap(), totals, 2 * channels).slice();
    for (let c = 0; c < channels; c++) {
      let s = 0;
      let s2 = 0;
      for (let r = 0; r < rows; r++) {
        const v = values[r * channels + c]! - 1;
        s += v;
        s2 += v * v;
      }
      expect(sums[c]).toBeCloseTo(s, 2);
      expect(sums[channels + c]).toBeCloseTo(s2, 1);
    }
    for (const p of [a, shift, scratch, totals]) backend.wasm._free(p);
  });

  it('ships bytes assembled from the committed .wat source', async () => {
    // Exits 1 when src/simd/*-bytes.ts no longer matches its .wat.
    await run(process.execPath, ['scripts/build-simd.mjs', '--check'], { cwd: packageRoot });
  });
});

describe('relaxed SIMD (fused multiply-add) builds of the convolution modules', () => {
  it('are used in Node and agree with the plain mul + add builds', async () => {
    await initBackend({ backend: 'wasm' });
    let backend = tf.backend();
    const x = tf.randomUniform([4, 12, 12, 8], -1, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 8, 12], -1, 1, 'float32', 2) as tf.Tensor4D;
    const run = () =>
      tf.tidy(() => {
        const [y, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'valid'))),
        )([x, w]);
        return [tf.conv2d(x, w, 1, 'valid').dataSync(), y!.dataSync(), dw!.dataSync()];
      });
    try {
      const relaxed = run();
      expect(usesRelaxedSimd(backend, 'conv2d')).toBe(true);
      expect(usesRelaxedSimd(backend, 'conv-filter-grad')).toBe(true);
      // 8→12 channels, 3×3, stride 1: the forward conv and the input gradient take Winograd.
      expect(usesRelaxedSimd(backend, 'winograd')).toBe(true);
      await initBackend({ backend: 'wasm', kernels: { relaxedSimd: false } });
      backend = tf.backend();
      const plain = run();
      expect(usesRelaxedSimd(backend, 'conv2d')).toBe(false);
      expect(usesRelaxedSimd(backend, 'conv-filter-grad')).toBe(false);
      expect(usesRelaxedSimd(backend, 'winograd')).toBe(false);
      for (let i = 0; i < relaxed.length; i++) {
        const a = relaxed[i]!;
        const b = plain[i]!;
        let scale = 0;
        let diff = 0;
        for (let j = 0; j < a.length; j++) {
          scale = Math.max(scale, Math.abs(b[j]!));
          diff = Math.max(diff, Math.abs(a[j]! - b[j]!));
        }
        expect(diff / scale).toBeLessThan(1e-5);
      }
    } finally {
      await initBackend({ backend: 'wasm' });
      tf.dispose([x, w]);
    }
  });
});
