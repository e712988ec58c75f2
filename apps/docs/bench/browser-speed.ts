/**
 * Training images/s in headless Chromium, side by side on the same page:
 *   - the docs' train demo (S4 on the wasm backend with its own kernels), s4 model, batch 128,
 *     1 and 2 gradient workers, one epoch of 12,000 MNIST images;
 *   - tfjs's own browser path: the same architecture in tfjs-layers (`tf.sequential` +
 *     `model.fit`, batch 128) on the `webgl` and `cpu` backends. (On `wasm`, stock tfjs cannot
 *     train a conv net: Conv2DBackpropFilter is not registered.)
 * Rounds alternate the order of the four measurements; the table shows medians and each round's
 * figures, and is written into BENCHMARKS.md between the `browser-speed` markers.
 *
 *   pnpm --filter @s4/docs build && pnpm --filter @s4/docs bench:browser [-- --rounds 3]
 *
 * Headless Chromium here has no GPU: its WebGL runs on SwiftShader (software), which the table
 * names from the page's own WEBGL_debug_renderer_info. On a machine with a GPU, webgl differs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normalizePixels } from '@s4/core';
import { loadMnist } from '@s4/mnist-data';
import { writeFileAtomic } from '@s4/runtime/node';
import type { Page } from 'playwright-core';
import { repoRoot } from '../scripts/paths';
import { openSite } from '../test/support/site';

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    rounds: { type: 'string', default: '3' },
    'layers-images': { type: 'string', default: '2560' },
  },
});
const rounds = Number(values.rounds);
const layersImages = Number(values['layers-images']);
if (!(Number.isInteger(rounds) && rounds >= 1)) {
  console.error(`error: --rounds: expected an integer >= 1, found ${values.rounds}`);
  process.exit(2);
}
if (!(Number.isInteger(layersImages) && layersImages >= 256)) {
  console.error(
    `error: --layers-images: expected an integer >= 256, found ${values['layers-images']}`,
  );
  process.exit(2);
}

const BATCH = 128;
const DEMO_IMAGES = 12000;
const require = createRequire(import.meta.url);
const tfjsBundle = require.resolve('@tensorflow/tfjs/dist/tf.min.js');
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Measurement {
  round: number;
  config: string;
  imagesPerSec: number;
  load: number;
}

async function demoImagesPerSec(page: Page, url: string, workers: number): Promise<number> {
  await page.goto(`${url}/demos/train`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=train-model] option', { state: 'attached' });
  await page.getByTestId('train-model').selectOption('s4');
  await page.getByTestId('train-count').selectOption(String(DEMO_IMAGES));
  await page.getByTestId('train-epochs').fill('1');
  await page.getByTestId('train-batch-size').selectOption(String(BATCH));
  await page.getByTestId('train-workers').selectOption(String(workers));
  await page.getByTestId('train-start').click();
  const demo = page.getByTestId('train-demo');
  const deadline = Date.now() + 20 * 60_000;
  while ((await demo.getAttribute('data-state')) !== 'done') {
    if (Date.now() > deadline)
      throw new Error(`the train demo (${workers} workers) did not finish`);
    await page.waitForTimeout(500);
  }
  return Number.parseInt((await page.getByTestId('train-speed').textContent()) ?? '', 10);
}

/** tfjs-layers `model.fit` of the s4 architecture on `backend`; images/s after a warm-up epoch. */
async function layersImagesPerSec(
  page: Page,
  url: string,
  backend: 'webgl' | 'cpu',
  images: Float32Array,
  labels: Uint8Array,
): Promise<{ imagesPerSec: number; renderer: string }> {
  await page.goto(`${url}/`, { waitUntil: 'load' });
  await page.addScriptTag({ url: '/__bench/tf.min.js' });
  // tsx compiles this file with esbuild's keepNames, which wraps the functions defined inside the
  // callback below in a `__name` helper that exists only in Node: give the page a no-op one.
  await page.addScriptTag({ content: 'globalThis.__name = (fn) => fn;' });
  return page.evaluate(
    async ({ backend, images, labels, batch }) => {
      // biome-ignore lint/suspicious/noExplicitAny: the UMD bundle's global
      const tf = (globalThis as any).tf;
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} unavailable`);
      await tf.ready();
      let renderer: string = backend;
      if (backend === 'webgl') {
        const gl = document.createElement('canvas').getContext('webgl2');
        const info = gl?.getExtension('WEBGL_debug_renderer_info');
        renderer = info ? String(gl?.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'webgl';
      }
      const n = labels.length;
      const x = tf.tensor4d(Float32Array.from(images), [n, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), 10);
      const block = (filters: number, dropout: number, first = false) => [
        tf.layers.conv2d({
          filters,
          kernelSize: 3,
          useBias: false,
          ...(first ? { inputShape: [28, 28, 1] } : {}),
        }),
        tf.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 }),
        tf.layers.reLU(),
        ...(dropout > 0 ? [tf.layers.dropout({ rate: dropout })] : []),
      ];
      const model = tf.sequential({
        layers: [
          ...block(8, 0.05, true),
          ...block(12, 0.05),
          ...block(16, 0.05),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          ...block(12, 0.05),
          ...block(12, 0.05),
          ...block(16, 0),
          tf.layers.globalAveragePooling2d({}),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      model.compile({
        optimizer: tf.train.momentum(0.05, 0.9, true),
        loss: 'categoricalCrossentropy',
      });
      const warm = 2 * batch;
      await model.fit(x.slice(0, warm), y.slice(0, warm), { batchSize: batch, epochs: 1 });
      const start = performance.now();
      await model.fit(x, y, { batchSize: batch, epochs: 1, shuffle: false });
      const seconds = (performance.now() - start) / 1000;
      tf.dispose([x, y]);
      model.dispose();
      return { imagesPerSec: n / seconds, renderer };
    },
    { backend, images: Array.from(images), labels: Array.from(labels), batch: BATCH },
  );
}

const train = await loadMnist({ split: 'train' });
const images = normalizePixels(train.images.subarray(0, layersImages * 784));
const labels = train.labels.slice(0, layersImages);

const site = await openSite();
const bundle = readFileSync(tfjsBundle);
const context = await site.browser.newContext({ viewport: { width: 1280, height: 1100 } });
await context.route('**/__bench/tf.min.js', (route) =>
  route.fulfill({ body: bundle, contentType: 'text/javascript' }),
);
const page = await context.newPage();
const measurements: Measurement[] = [];
let renderer = '';
const configs = ['S4 demo, 1 worker', 'S4 demo, 2 workers', 'tfjs-layers webgl', 'tfjs-layers cpu'];
try {
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? configs : [...configs].reverse();
    for (const config of order) {
      let imagesPerSec: number;
      if (config.startsWith('S4')) {
        imagesPerSec = await demoImagesPerSec(page, site.url, config.endsWith('1 worker') ? 1 : 2);
      } else {
        const backend = config.endsWith('webgl') ? 'webgl' : 'cpu';
        const r = await layersImagesPerSec(page, site.url, backend, images, labels);
        imagesPerSec = r.imagesPerSec;
        if (backend === 'webgl') renderer = r.renderer;
      }
      const load = loadavg()[0] ?? 0;
      measurements.push({ round, config, imagesPerSec, load });
      log(`round ${round} ${config}: ${imagesPerSec.toFixed(0)} img/s (load ${load.toFixed(2)})`);
    }
  }
} finally {
  await site.close();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const at = (i: number) => s[i] ?? Number.NaN;
  return s.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
};
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const of = (config: string) => measurements.filter((m) => m.config === config);
const best = Math.max(...configs.map((c) => median(of(c).map((m) => m.imagesPerSec))));
const loads = measurements.map((m) => m.load);
const START = '<!-- browser-speed:start (written by `pnpm --filter @s4/docs bench:browser`) -->';
const END = '<!-- browser-speed:end -->';
const section = [
  START,
  '## Training in the browser: S4 vs tfjs-layers',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC by \`pnpm --filter @s4/docs bench:browser\` in headless Chromium on ${cpus()[0]?.model ?? 'an unknown CPU'}, ${cpus().length} cores; load average ${median(loads).toFixed(1)} median (${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}). Batch ${BATCH}, the s4 architecture. S4: the train demo's own figure after one epoch of ${DEMO_IMAGES.toLocaleString('en-US')} images (its first steps included). tfjs-layers: \`model.fit\` over ${layersImages.toLocaleString('en-US')} images after a 2-batch warm-up, same layers (conv without bias, batch norm, ReLU, dropout, max-pool, global average pooling, dense). WebGL renderer: ${renderer || 'unknown'} — this machine has no GPU. tfjs's \`wasm\` backend cannot train this model without S4's kernels. Medians of ${rounds} rounds, order reversed every other round.`,
  '',
  '| setup | training images/s (median) | each round | vs the fastest |',
  '| --- | ---: | --- | ---: |',
  ...configs.map((config) => {
    const xs = of(config).map((m) => m.imagesPerSec);
    return `| ${config} | ${fmt(median(xs))} | ${xs.map(fmt).join(', ')} | ${(median(xs) / best).toFixed(2)}× |`;
  }),
  END,
].join('\n');
const out = join(repoRoot, 'BENCHMARKS.md');
const previous = readFileSync(out, 'utf8');
const next =
  previous.includes(START) && previous.includes(END)
    ? previous.slice(0, previous.indexOf(START)) +
      section +
      previous.slice(previous.indexOf(END) + END.length)
    : `${previous.trimEnd()}\n\n${section}\n`;
await writeFileAtomic(out, next);
// Aligned as the repository's formatter (checked in CI) wants its tables.
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', out], { cwd: repoRoot, stdio: 'ignore' });
console.log(section);
