import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMnist, type MnistData } from '@s4/mnist-data';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { architectureBlocks } from '../src/architecture-blocks';
import { artifactsDir, collectProblems, distDir, openSite, type Site } from './support/site';

let site: Site;
let page: Page;
let problems: string[];
let test: MnistData;
let shipped: string[];

beforeAll(async () => {
  test = await loadMnist({ split: 'test', limit: 10 });
  const index = JSON.parse(
    await readFile(join(distDir, 'generated', 'weights', 'index.json'), 'utf8'),
  ) as { models: string[] };
  shipped = index.models;
  site = await openSite();
  page = await (
    await site.browser.newContext({ viewport: { width: 1280, height: 1000 } })
  ).newPage();
  problems = collectProblems(page, site.url);
  await page.goto(`${site.url}/demos/draw`, { waitUntil: 'load' });
  await page.waitForFunction(
    () =>
      /Draw a digit|no trained weights/.test(
        document.querySelector('[data-testid=draw-status]')?.textContent ?? '',
      ),
    undefined,
    { timeout: 60_000 },
  );
});
afterAll(async () => {
  await site?.close();
});

/** Traces test image `index` on the canvas: one mouse stroke per horizontal run of ink. */
async function traceDigit(index: number): Promise<void> {
  await page.getByTestId('draw-clear').click();
  const box = (await page.getByTestId('draw-canvas').boundingBox())!;
  const scale = box.width / 28;
  const at = (x: number, y: number) => [box.x + (x + 0.5) * scale, box.y + (y + 0.5) * scale];
  const pixels = test.images.subarray(index * 784, (index + 1) * 784);
  for (let y = 0; y < 28; y++) {
    let x = 0;
    while (x < 28) {
      if (pixels[y * 28 + x]! < 128) {
        x++;
        continue;
      }
      const start = x;
      while (x < 28 && pixels[y * 28 + x]! >= 128) x++;
      const [x0, y0] = at(start, y);
      const [x1] = at(x - 1, y);
      await page.mouse.move(x0!, y0!);
      await page.mouse.down();
      await page.mouse.move(x1!, y0!, { steps: Math.max(1, x - 1 - start) });
      await page.mouse.up();
    }
  }
}

/** Pearson correlation of two images. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

const previewPixels = () =>
  page.getByTestId('draw-preview').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, 28, 28).data;
    return Array.from({ length: 784 }, (_, i) => data[i * 4]!);
  });

describe('the draw-a-digit demo', () => {
  it('preprocesses a traced test digit back into (nearly) the MNIST image', async () => {
    for (const index of [0, 1, 2]) {
      await traceDigit(index);
      const original = Array.from(test.images.subarray(index * 784, (index + 1) * 784));
      await expect
        .poll(async () => correlation(await previewPixels(), original), { timeout: 20_000 })
        .toBeGreaterThan(0.8);
      // …and not just any digit: test images of other classes match much worse.
      for (let other = 0; other < test.count; other++) {
        if (test.labels[other] === test.labels[index]) continue;
        const pixels = Array.from(test.images.subarray(other * 784, (other + 1) * 784));
        expect(correlation(await previewPixels(), pixels)).toBeLessThan(0.6);
      }
    }
  });

  it('classifies traced test digits with the shipped weights on the wasm backend', async () => {
    if (shipped.length === 0) {
      // No weights in this build: the page must say so instead of guessing.
      expect(await page.getByTestId('draw-status').textContent()).toContain('no trained weights');
      expect(await page.getByTestId('draw-prediction').getAttribute('data-class')).toBeNull();
      return;
    }
    for (const index of [0, 1, 2, 3, 4, 5]) {
      await traceDigit(index);
      await expect
        .poll(() => page.getByTestId('draw-prediction').getAttribute('data-class'), {
          timeout: 20_000,
        })
        .toBe(String(test.labels[index]));
    }
    await page.getByTestId('draw-demo').screenshot({ path: join(artifactsDir, 'draw.png') });
    expect(problems).toEqual([]);
  });

  it('shows what each layer sees: every conv layer’s maps, the GAP vector and the logits', async () => {
    if (shipped.length === 0) return;
    const { DEFAULT_MODEL, getZooModel, loadShippedModel } = await import('@s4/models');
    const { initBackend, normalizePixels } = await import('@s4/core');
    const { tf } = await import('@s4/core/tf');
    const blocks = architectureBlocks(getZooModel(DEFAULT_MODEL).architecture);
    const convs = blocks.filter((b) => b.kind === 'conv');
    const layerSums = () =>
      page
        .getByTestId('feature-layer')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-sum')));
    const seen: Array<Array<string | null>> = [];
    await initBackend({ backend: 'cpu' });
    const { model, normalization } = await loadShippedModel(DEFAULT_MODEL, {
      baseUrl: `${site.url}/generated/weights/`,
    });
    for (const index of [0, 1]) {
      await traceDigit(index);
      await expect
        .poll(() => page.getByTestId('draw-prediction').getAttribute('data-class'), {
          timeout: 20_000,
        })
        .toBe(String(test.labels[index]));
      const layers = page.getByTestId('feature-layer');
      expect(await layers.count()).toBe(convs.length);
      for (const [k, block] of convs.entries()) {
        const [channels, height, width] = block.shape;
        const layer = layers.nth(k);
        expect(await layer.getAttribute('data-channels')).toBe(String(channels));
        expect(await layer.getAttribute('data-size')).toBe(`${height}x${width}`);
        const maps = layer.getByTestId('feature-map');
        expect(await maps.count()).toBe(channels);
        expect(await maps.first().evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([
          width,
          height,
        ]);
        // The maps are drawn: not one flat colour.
        const distinct = await maps.first().evaluate((c: HTMLCanvasElement) => {
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          return new Set(
            Array.from(
              { length: data.length / 4 },
              (_, i) => data[i * 4]! * 65536 + data[i * 4 + 1]! * 256 + data[i * 4 + 2]!,
            ),
          ).size;
        });
        expect(distinct).toBeGreaterThan(1);
      }
      expect(await page.getByTestId('gap-vector').getAttribute('data-length')).toBe(
        String(convs.at(-1)!.shape[0]),
      );
      // The page's logits are the network's: the same weights in Node on the page's 28×28 input.
      const logits = (await page.getByTestId('logits').getAttribute('data-values'))!
        .split(',')
        .map(Number);
      expect(logits).toHaveLength(10);
      const input = normalizePixels(Uint8Array.from(await previewPixels()), normalization);
      const expected = tf.tidy(() =>
        Array.from(model.forward(tf.tensor4d(input, [1, 28, 28, 1])).dataSync()),
      );
      const max = Math.max(...logits);
      const logSum = max + Math.log(logits.reduce((sum, v) => sum + Math.exp(v - max), 0));
      for (const [digit, value] of logits.entries()) {
        expect(Math.abs(value - logSum - expected[digit]!)).toBeLessThan(1e-3);
      }
      seen.push(await layerSums());
    }
    model.dispose();
    // A different drawing, different maps in every layer.
    for (const [k, sum] of seen[0]!.entries()) expect(seen[1]![k]).not.toBe(sum);
    await page.getByTestId('draw-demo').screenshot({ path: join(artifactsDir, 'draw-layers.png') });
  });

  it('leaves no console errors', async () => {
    await page.getByTestId('draw-demo').screenshot({ path: join(artifactsDir, 'draw.png') });
    expect(problems).toEqual([]);
  });
});
