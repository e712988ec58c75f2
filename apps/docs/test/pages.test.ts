import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/paths';
import type { TrainingSpeedData } from '../src/benchmark-charts';
import {
  artifactsDir,
  builtPages,
  collectProblems,
  distDir,
  openSite,
  type Site,
} from './support/site';

/**
 * Every import path of the published packages, as their package.json `exports` list them (code
 * only: not package.json or a JSON schema), with the reference page it should have and its source.
 */
function publishedEntries(): Array<{ name: string; path: string; source: string }> {
  const packagesDir = join(repoRoot, 'packages');
  return readdirSync(packagesDir).flatMap((dir) => {
    const manifestPath = join(packagesDir, dir, 'package.json');
    if (!existsSync(manifestPath)) return [];
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      private?: boolean;
      exports: Record<string, { '@s4/source'?: string | { default: string } } | string>;
    };
    if (manifest.private) return [];
    return Object.entries(manifest.exports).flatMap(([subpath, target]) => {
      const source = typeof target === 'string' ? undefined : target['@s4/source'];
      const file = typeof source === 'object' ? source.default : source;
      if (file === undefined || !file.endsWith('.ts')) return [];
      const sub = subpath.slice(2);
      return [
        {
          name: sub === '' ? manifest.name : `${manifest.name}/${sub}`,
          path: `/reference/api/${dir}/${sub === '' ? '' : `${sub}/`}`,
          source: join(packagesDir, dir, file),
        },
      ];
    });
  });
}

let site: Site;
beforeAll(async () => {
  site = await openSite();
});
afterAll(async () => {
  await site?.close();
});

describe('the built site', () => {
  it('has every page of the sidebar, including the generated references', async () => {
    const pages = await builtPages();
    for (const path of [
      '/',
      '/guide/quick-start',
      '/guide/backprop',
      '/guide/mnist-cnn',
      '/guide/model-files',
      '/guide/mnist-data',
      '/guide/onnx-export',
      '/guide/tfjs-wasm-training',
      '/demos/backprop',
      '/demos/draw',
      '/demos/train',
      '/demos/zoo',
      '/demos/design',
      '/reference/cli',
      '/reference/api/',
      '/reference/api/mnist-data/',
      '/reference/api/core/',
      '/reference/api/tfjs-wasm-training/',
      '/reference/benchmarks',
      '/reference/changelog',
    ]) {
      expect(pages).toContain(path);
    }
  });

  it('has a reference page for every entry of every published package, with each of its names', async () => {
    const pages = await builtPages();
    const entries = publishedEntries();
    expect(entries.map((e) => e.name)).toEqual(
      expect.arrayContaining([
        '@s4/core',
        '@s4/core/checkpoint',
        '@s4/core/parallel',
        '@s4/core/tf',
        '@s4/core/onnx',
        '@s4/runtime/node',
        '@s4/mnist-data',
      ]),
    );
    const missing: string[] = [];
    for (const entry of entries) {
      if (!pages.includes(entry.path)) {
        missing.push(`${entry.name}: no page ${entry.path}`);
        continue;
      }
      const html = readFileSync(join(distDir, entry.path, 'index.html'), 'utf8');
      const title = /<h1[^>]*>(.*?)<\/h1>/s.exec(html)?.[1] ?? '';
      if (!title.includes(entry.name)) missing.push(`${entry.name}: its page is titled ${title}`);
      // Every value it exports has its page in the entry's folder (tfjs's own `tf` namespace
      // is documented by TensorFlow.js).
      const names = Object.keys(await import(entry.source)).filter((name) => name !== 'tf');
      for (const name of names) {
        const own = new RegExp(`^${entry.path}[a-z-]+/${name}$`);
        if (!pages.some((path) => own.test(path)))
          missing.push(`${entry.name}: no page for ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('loads every page without console errors, exceptions or failed requests', async () => {
    const pages = await builtPages();
    // ~150 API pages: loading each in full takes minutes, so they are visited the way readers
    // reach them, through the client-side router, which still loads and renders each page.
    const apiPages = pages.filter(
      (path) => path.startsWith('/reference/api/') && path !== '/reference/api/',
    );
    const fullLoads = pages.filter((path) => !apiPages.includes(path));
    const context = await site.browser.newContext();
    const page = await context.newPage();
    const problems = collectProblems(page, site.url);
    const failures: string[] = [];
    const check = async (path: string) => {
      if (!(await page.title()).includes('S4')) failures.push(`${path}: unexpected title`);
      // VitePress renders a 404 component (not a 404 status) for unknown client routes.
      if ((await page.locator('.NotFound').count()) > 0) failures.push(`${path}: not found`);
      failures.push(...problems.splice(0).map((problem) => `${path}: ${problem}`));
    };
    for (const path of fullLoads) {
      const response = await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
      if (response?.status() !== 200) failures.push(`${path}: HTTP ${response?.status()}`);
      await check(path);
    }
    await page.goto(`${site.url}/reference/api/`, { waitUntil: 'load' });
    for (const path of apiPages) {
      const name = decodeURIComponent(path.replace(/\/$/, '').split('/').at(-1) ?? '');
      await page.evaluate((href) => {
        const link = document.createElement('a');
        link.href = href;
        document.body.append(link);
        link.click();
        link.remove();
      }, path);
      // Entry pages are titled with what users import (`@s4/core/checkpoint` at
      // /reference/api/core/checkpoint/), the others with the symbol.
      await page.waitForFunction(
        (expected) => document.querySelector('.vp-doc h1')?.textContent?.includes(expected),
        path.endsWith('/') ? `@s4/${path.slice('/reference/api/'.length, -1)}` : name,
        { timeout: 10_000 },
      );
      await check(path);
    }
    await context.close();
    expect(failures).toEqual([]);
    expect(fullLoads.length).toBeGreaterThan(12);
    expect(apiPages.length).toBeGreaterThan(20);
  }, 300_000);

  it('serves the wasm binaries and MNIST files itself', async () => {
    for (const path of [
      '/generated/tfjs-wasm/tfjs-backend-wasm-simd.wasm',
      '/generated/mnist/t10k-images-idx3-ubyte.gz',
    ]) {
      const response = await fetch(`${site.url}${path}`);
      expect(response.status, path).toBe(200);
      expect((await response.arrayBuffer()).byteLength, path).toBeGreaterThan(10_000);
    }
  });

  it('renders BENCHMARKS.md with its speed chart drawn by Vega-Lite from zero, light and dark', async () => {
    const source = join(repoRoot, 'BENCHMARKS.md');
    const page = await site.browser.newPage();
    const problems = collectProblems(page, site.url);
    await page.goto(`${site.url}/reference/benchmarks`, { waitUntil: 'load' });
    if (!existsSync(source)) {
      expect(await page.locator('.vp-doc').textContent()).toContain(
        'no `BENCHMARKS.md` yet'.replace(/`/g, ''),
      );
    } else {
      const speed: TrainingSpeedData = JSON.parse(
        readFileSync(join(distDir, 'generated', 'training-speed.json'), 'utf8'),
      );
      const chart = page.locator('[data-testid=training-speed-chart] [data-rendered=true]');
      await chart.locator('svg').waitFor({ timeout: 30_000 });
      // One bar per model and runtime, each labelled with its number.
      const bars = speed.models.length * speed.runtimes.length;
      expect(await chart.locator('.mark-rect path').count()).toBe(bars);
      const labels = await chart.locator('.mark-text.role-mark text').allTextContents();
      expect(labels).toEqual(
        speed.models.flatMap((m) => m.imagesPerSecond.map((v) => v.toLocaleString('en'))),
      );
      // The value axis starts at zero, and no two axis labels overlap.
      const axisLabels = chart.locator('.role-axis-label text');
      expect(await axisLabels.allTextContents()).toContain('0');
      const boxes = await axisLabels.evaluateAll((nodes) =>
        nodes.map((node) => node.getBoundingClientRect().toJSON() as DOMRect),
      );
      for (const [i, a] of boxes.entries()) {
        for (const b of boxes.slice(i + 1)) {
          const overlap =
            a.left < b.right - 1 &&
            b.left < a.right - 1 &&
            a.top < b.bottom - 1 &&
            b.top < a.bottom - 1;
          expect(overlap, `axis labels overlap: ${JSON.stringify([a, b])}`).toBe(false);
        }
      }
      // Bar lengths are proportional to the numbers (the axis is not cut).
      const widths = await chart
        .locator('.mark-rect path')
        .evaluateAll((nodes) => nodes.map((node) => node.getBoundingClientRect().width));
      const values = speed.models.flatMap((m) => m.imagesPerSecond);
      for (const [k, width] of widths.entries()) {
        expect(width / widths[0]!).toBeCloseTo(values[k]! / values[0]!, 1);
      }
      // Text is dark on the light page and light on the dark one.
      const titleColor = () =>
        chart
          .locator('.role-title-text text')
          .first()
          .evaluate((node) => getComputedStyle(node).fill);
      const light = await titleColor();
      await page.locator('.VPNavBar .VPSwitchAppearance').first().click();
      await expect
        .poll(() => page.evaluate(() => document.documentElement.classList.contains('dark')))
        .toBe(true);
      await expect.poll(titleColor).not.toBe(light);
      await page.screenshot({ path: join(artifactsDir, 'benchmarks-dark.png'), fullPage: true });
      await page.locator('.VPNavBar .VPSwitchAppearance').first().click();
      const firstHeading = readFileSync(source, 'utf8').match(/^## (.+)$/m)?.[1];
      if (firstHeading !== undefined) {
        expect(await page.locator('.vp-doc h2').allTextContents()).toContainEqual(
          expect.stringContaining(firstHeading.replace(/[`*]/g, '')),
        );
      }
    }
    await page.screenshot({ path: join(artifactsDir, 'benchmarks.png'), fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
  });

  it('does not serve the docs package README as a page', async () => {
    expect(await builtPages()).not.toContain('/README');
    const response = await fetch(`${site.url}/README`);
    expect(await response.text()).not.toContain('Why VitePress');
  });

  it('documents every command, argument and option of the CLI, from its own definitions', async () => {
    const { buildProgram } = await import('@s4/cli');
    const page = await site.browser.newPage();
    await page.goto(`${site.url}/reference/cli`, { waitUntil: 'load' });
    const text = (await page.locator('.vp-doc').textContent()) ?? '';
    const headings = await page.locator('.vp-doc h2, .vp-doc h3, .vp-doc h4').allTextContents();
    type Command = ReturnType<typeof buildProgram>;
    let documented = 0;
    const visit = (command: Command, path: string[]) => {
      for (const sub of command.commands) {
        const subPath = [...path, sub.name()];
        expect(headings.map((h) => h.replace(/\u200b|#/g, '').trim())).toContain(subPath.join(' '));
        for (const option of sub.options) expect(text).toContain(option.flags);
        for (const argument of sub.registeredArguments) expect(text).toContain(argument.name());
        documented++;
        visit(sub, subPath);
      }
    };
    visit(buildProgram(), ['s4']);
    expect(documented).toBeGreaterThan(0);
    await page.close();
  });
});
