import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/index';
import { channelOps } from '../src/kernels/simd/channel-ops';
import { convFilterGradOps } from '../src/kernels/simd/conv-filter-grad';
import { conv2dOps } from '../src/kernels/simd/conv2d';
import { dropoutOps } from '../src/kernels/simd/dropout';
import { reluGradOps } from '../src/kernels/simd/relu-grad';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe("S4's WebAssembly SIMD modules", () => {
  it('are instantiated on the wasm backend memory (so batch norm and conv gradients take the SIMD paths)', async () => {
    await initBackend({ backend: 'wasm' });
    expect(channelOps(tf.backend())).toBeDefined();
    expect(convFilterGradOps(tf.backend())).toBeDefined();
    expect(conv2dOps(tf.backend())).toBeDefined();
    expect(dropoutOps(tf.backend())).toBeDefined();
    expect(reluGradOps(tf.backend())).toBeDefined();
    await initBackend({ backend: 'cpu' });
    expect(channelOps(tf.backend())).toBeUndefined();
    expect(convFilterGradOps(tf.backend())).toBeUndefined();
    expect(conv2dOps(tf.backend())).toBeUndefined();
    expect(dropoutOps(tf.backend())).toBeUndefined();
    expect(reluGradOps(tf.backend())).toBeUndefined();
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
    // Exits 1 when src/kernels/simd/*-bytes.ts no longer matches its .wat.
    await run(process.execPath, ['scripts/build-simd.mjs', '--check'], { cwd: packageRoot });
  });
});
