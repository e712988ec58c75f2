/**
 * tfjs-layers `model.fit` training speed (images/s) of the tests' conv net (conv2d ·
 * batchNormalization · relu · maxPooling2d ×2, dropout, globalAveragePooling2d, dense; 28×28×1
 * MNIST images) on:
 *   Node:     wasm + @s4/tfjs-wasm-training, and tfjs's cpu backend;
 *   Chromium: wasm + @s4/tfjs-wasm-training, webgl and cpu (headless; webgl runs on SwiftShader,
 *             a software renderer, where there is no GPU).
 * Each run trains a fresh model for --epochs epochs on --images real MNIST images; the first
 * epoch is warm-up and images/s is --images over the median of the other epochs' times.
 * The table goes into BENCHMARKS.md (at the repository root, or --out) between its own
 * `tfjs-wasm-training-fit` markers; the rest of the file is kept.
 *
 *   pnpm --filter @s4/tfjs-wasm-training bench [--epochs 4] [--images 1024] [--batch-size 32]
 *     [--rounds 3] [--no-browser] [--out FILE] [--json]
 *   pnpm --filter @s4/tfjs-wasm-training bench --smoke   # tiny sizes, writes nothing unless --out
 *
 * Needs the package built (`pnpm turbo run build --filter=@s4/tfjs-wasm-training`) and
 * Chromium at /usr/bin/chromium (or CHROMIUM_PATH). Run it on an idle machine.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { openChromium } from '../test/chromium';
import { writeSlice } from '../test/mnist-slice';
import { writeSection } from './benchmarks-section';

const COMMAND = 'pnpm --filter @s4/tfjs-wasm-training bench';
const SECTION = 'tfjs-wasm-training-fit';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' },
    images: { type: 'string' },
    'batch-size': { type: 'string' },
    rounds: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    'no-browser': { type: 'boolean', default: false },
    out: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

// --smoke: sizes small enough to check that every configuration runs, not to measure.
const defaults = values.smoke
  ? { epochs: '2', images: '64', 'batch-size': '32', rounds: '1', testImages: 100 }
  : { epochs: '4', images: '1024', 'batch-size': '32', rounds: '3', testImages: 500 };

function positive(name: 'epochs' | 'images' | 'batch-size' | 'rounds'): number {
  const text = values[name] ?? defaults[name];
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`--${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}
const epochs = positive('epochs');
const images = positive('images');
const batchSize = positive('batch-size');
const rounds = positive('rounds');
if (epochs < 2)
  throw new TypeError(`--epochs must be at least 2 (the first is warm-up), got ${epochs}`);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const out =
  values.out !== undefined
    ? resolve(values.out)
    : values.smoke
      ? undefined
      : join(repoRoot, 'BENCHMARKS.md');

interface FitResult {
  backend: string;
  images: number;
  epochSeconds: number[];
  accuracyAfter: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function imagesPerSecond(result: FitResult): number {
  return result.images / median(result.epochSeconds.slice(1));
}

type Where = 'Node' | 'Chromium';
interface Config {
  where: Where;
  backend: 'wasm' | 'cpu' | 'webgl';
  label: string;
}
const configs: Config[] = [
  { where: 'Node', backend: 'wasm', label: 'wasm + @s4/tfjs-wasm-training' },
  { where: 'Node', backend: 'cpu', label: "tfjs's cpu backend" },
];
if (!values['no-browser']) {
  configs.push(
    { where: 'Chromium', backend: 'wasm', label: 'wasm + @s4/tfjs-wasm-training' },
    { where: 'Chromium', backend: 'webgl', label: 'webgl (SwiftShader, no GPU)' },
    { where: 'Chromium', backend: 'cpu', label: "tfjs's cpu backend" },
  );
}

const dir = mkdtempSync(join(tmpdir(), 's4-fit-bench-'));
const run = promisify(execFile);
const nodeProgram = fileURLToPath(new URL('./fit-node.mjs', import.meta.url));
const perConfig = configs.map(() => ({ imagesPerSec: [] as number[], accuracy: [] as number[] }));
const loads: number[] = [];
let browserVersion = '';
try {
  await writeSlice('train', images, join(dir, 'train.bin'));
  await writeSlice('test', defaults.testImages, join(dir, 'test.bin'));
  const chromium = values['no-browser'] ? undefined : await openChromium(dir, { webgl: true });
  browserVersion = chromium?.browserVersion ?? '';
  try {
    // The order is reversed every other round, so a change in machine load hits all alike.
    for (let round = 1; round <= rounds; round++) {
      const order = [...configs.keys()];
      if (round % 2 === 0) order.reverse();
      for (const i of order) {
        const c = configs[i]!;
        let result: FitResult;
        if (c.where === 'Node') {
          const args = [nodeProgram, join(dir, 'train.bin'), join(dir, 'test.bin'), c.backend];
          const { stdout } = await run(
            process.execPath,
            [...args, String(epochs), String(batchSize)],
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
        const speed = imagesPerSecond(result);
        perConfig[i]!.imagesPerSec.push(speed);
        perConfig[i]!.accuracy.push(result.accuracyAfter);
        loads.push(loadavg()[0] ?? 0);
        process.stderr.write(
          `round ${round}/${rounds} ${c.where} ${c.label}: ${speed.toFixed(1)} images/s (test accuracy after ${result.accuracyAfter.toFixed(3)})\n`,
        );
      }
    }
  } finally {
    await chromium?.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const rows = configs.map((c, i) => {
  const xs = perConfig[i]!.imagesPerSec;
  const cpu = configs.findIndex((d) => d.where === c.where && d.backend === 'cpu');
  return {
    ...c,
    imagesPerSec: xs,
    median: median(xs),
    vsCpu: median(xs) / median(perConfig[cpu]!.imagesPerSec),
    accuracy: median(perConfig[i]!.accuracy),
  };
});
if (values.json) {
  console.log(JSON.stringify({ epochs, images, batchSize, rounds, browserVersion, loads, rows }));
}
const measured = new Date().toISOString().slice(0, 16).replace('T', ' ');
const body = [
  "## tfjs-layers `model.fit` on tfjs's wasm backend with @s4/tfjs-wasm-training",
  '',
  `Measured ${measured} UTC by \`${COMMAND}${values.smoke ? ' --smoke' : ''}\` (\`packages/tfjs-wasm-training/bench/fit-images-per-sec.ts\`) on ${cpus()[0]?.model ?? 'an unknown CPU'}, ${cpus().length} cores, Node ${process.versions.node}${browserVersion ? `, headless Chromium ${browserVersion}` : ''}; load average ${median(loads).toFixed(1)} median (${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}). An unmodified tfjs-layers program (\`@tensorflow/tfjs\` 4.22, the package's tests' conv net: conv2d, batchNormalization, ReLU, maxPooling2d ×2, dropout, globalAveragePooling2d, dense; Adam) trains with \`model.fit\` on ${images.toLocaleString('en-US')} MNIST training images, batch ${batchSize}, ${epochs} epochs; the first epoch is warm-up, images/s is over the median of the other ${epochs - 1}. A fresh model (and, in Chromium, a fresh page) per run; medians of ${rounds} round${rounds === 1 ? '' : 's'}, order reversed every other round. Stock tfjs cannot train this model on wasm at all (\`Conv2DBackpropFilter\` is missing). webgl runs on SwiftShader, a software renderer: this machine has no GPU.`,
  '',
  '| where | backend | training images/s (median) | each round | vs tfjs cpu, same runtime | test accuracy after |',
  '| --- | --- | ---: | --- | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.where} | ${r.label} | ${fmt(r.median)} | ${r.imagesPerSec.map(fmt).join(', ')} | ${r.vsCpu.toFixed(2)}× | ${(r.accuracy * 100).toFixed(1)}% |`,
  ),
].join('\n');
if (!values.json) console.log(body);
if (out !== undefined) {
  writeSection(out, SECTION, COMMAND, body);
  // Aligned as the repository's formatter (checked in CI) wants its tables.
  spawnSync('pnpm', ['exec', 'biome', 'format', '--write', out], {
    cwd: repoRoot,
    stdio: 'ignore',
  });
  process.stderr.write(`wrote the ${SECTION} section of ${out}\n`);
}
