/**
 * tfjs-layers `model.fit` training speed (images/s) of the tests' conv net (conv2d ·
 * batchNormalization · relu · maxPooling2d ×2, dropout, globalAveragePooling2d, dense; 28×28×1
 * MNIST images) on:
 *   Node:     wasm + @s4/tfjs-wasm-training, and tfjs's cpu backend;
 *   Chromium: wasm + @s4/tfjs-wasm-training, webgl and cpu (headless; webgl runs on SwiftShader,
 *             a software renderer, where there is no GPU).
 * Each run trains a fresh model for --epochs epochs on --images real MNIST images; the first
 * epoch is warm-up and images/s is --images over the median of the other epochs' times.
 *
 *   pnpm --filter @s4/tfjs-wasm-training bench [--epochs 3] [--images 512] [--batch-size 32]
 *     [--rounds 3] [--no-browser] [--json]
 *
 * Needs the package built (`pnpm turbo run build --filter=@s4/tfjs-wasm-training`) and
 * Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { openChromium } from '../test/chromium';
import { writeSlice } from '../test/mnist-slice';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    images: { type: 'string', default: '512' },
    'batch-size': { type: 'string', default: '32' },
    rounds: { type: 'string', default: '3' },
    'no-browser': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

function positive(name: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`--${name} must be a positive integer, got ${text}`);
  return n;
}
const epochs = positive('epochs', values.epochs);
const images = positive('images', values.images);
const batchSize = positive('batch-size', values['batch-size']);
const rounds = positive('rounds', values.rounds);
if (epochs < 2) throw new TypeError('--epochs must be at least 2 (the first one is warm-up)');

interface FitResult {
  backend: string;
  images: number;
  epochSeconds: number[];
  accuracyAfter: number;
}

function imagesPerSecond(result: FitResult): number {
  const timed = result.epochSeconds.slice(1).sort((a, b) => a - b);
  return result.images / timed[Math.floor(timed.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 's4-fit-bench-'));
try {
  await writeSlice('train', images, join(dir, 'train.bin'));
  await writeSlice('test', 500, join(dir, 'test.bin'));
  const run = promisify(execFile);
  const nodeProgram = fileURLToPath(new URL('./fit-node.mjs', import.meta.url));
  const configs: Array<{ where: 'node' | 'chromium'; backend: 'wasm' | 'cpu' | 'webgl' }> = [
    { where: 'node', backend: 'wasm' },
    { where: 'node', backend: 'cpu' },
  ];
  if (!values['no-browser']) {
    for (const backend of ['wasm', 'webgl', 'cpu'] as const)
      configs.push({ where: 'chromium', backend });
  }
  const chromium = values['no-browser'] ? undefined : await openChromium(dir, { webgl: true });
  const rows: Array<{ where: string; backend: string; kernels: string; imagesPerSec: number[] }> =
    configs.map((c) => ({
      ...c,
      kernels: c.backend === 'wasm' ? '@s4/tfjs-wasm-training' : 'tfjs',
      imagesPerSec: [],
    }));
  try {
    // Rounds alternate the configurations, so a change in machine load hits them all alike.
    for (let round = 0; round < rounds; round++) {
      for (const [i, c] of configs.entries()) {
        let result: FitResult;
        if (c.where === 'node') {
          const { stdout } = await run(
            process.execPath,
            [
              nodeProgram,
              join(dir, 'train.bin'),
              join(dir, 'test.bin'),
              c.backend,
              String(epochs),
              String(batchSize),
            ],
            { maxBuffer: 1 << 24 },
          );
          result = JSON.parse(stdout) as FitResult;
        } else {
          result = (await chromium!.train({
            backend: c.backend,
            withKernels: c.backend === 'wasm',
            epochs,
            batchSize,
          })) as FitResult;
        }
        if (result.backend !== c.backend)
          throw new Error(`${c.where} ran ${result.backend}, not ${c.backend}`);
        rows[i]!.imagesPerSec.push(imagesPerSecond(result));
        if (!values.json) {
          process.stderr.write(
            `round ${round + 1}/${rounds} ${c.where} ${c.backend}: ${imagesPerSecond(result).toFixed(1)} images/s (accuracy after ${result.accuracyAfter.toFixed(3)})\n`,
          );
        }
      }
    }
  } finally {
    await chromium?.close();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  if (values.json) {
    console.log(JSON.stringify({ epochs, images, batchSize, rounds, rows }));
  } else {
    console.log(
      `model.fit images/s, median of ${rounds} rounds (batch ${batchSize}, ${images} images, ${epochs - 1} timed epochs):`,
    );
    for (const row of rows) {
      console.log(
        `${row.where.padEnd(9)} ${row.backend.padEnd(6)} ${row.kernels.padEnd(24)} ${median(row.imagesPerSec).toFixed(1).padStart(8)}`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
