import { existsSync, readFileSync } from 'node:fs';
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
      // Package index pages are titled with the package name, the others with the symbol.
      await page.waitForFunction(
        (expected) => document.querySelector('.vp-doc h1')?.textContent?.includes(expected),
        path.endsWith('/') ? `@s4/${name}` : name,
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
