import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkConstraints, paramCount, ZOO } from '@s4/models';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/paths';
import { artifactsDir, collectProblems, distDir, openSite, type Site } from './support/site';

let site: Site;
let page: Page;
let problems: string[];
let shipped: string[];
let recorded: Map<string, number | undefined>;
beforeAll(async () => {
  const index = JSON.parse(
    await readFile(join(distDir, 'generated', 'weights', 'index.json'), 'utf8'),
  ) as { models: string[]; entries: Array<{ name: string; testAccuracy?: number }> };
  shipped = index.models;
  recorded = new Map(index.entries.map((e) => [e.name, e.testAccuracy]));
  site = await openSite();
  page = await (
    await site.browser.newContext({ viewport: { width: 1280, height: 1000 } })
  ).newPage();
  problems = collectProblems(page, site.url);
  await page.goto(`${site.url}/demos/zoo`, { waitUntil: 'load' });
  await page.waitForSelector(`[data-testid=summary-${ZOO[0]!.name}]`, { timeout: 60_000 });
});
afterAll(async () => {
  await site?.close();
});

describe('the model zoo page', () => {
  it('shows every zoo model with the summary and constraint checklist built in the page', async () => {
    for (const model of ZOO) {
      const section = page.getByTestId(`zoo-${model.name}`);
      // The page runs core's summary() on the real network; Node counts from the architecture.
      const total = await section
        .locator(`[data-testid=summary-${model.name}] tfoot td`)
        .last()
        .textContent();
      expect(Number(total?.replace(/,/g, ''))).toBe(paramCount(model.architecture));
      const rows = await section.locator(`[data-testid=summary-${model.name}] tbody tr`).count();
      expect(rows).toBeGreaterThan(3);
      const checks = await section.locator(`[data-testid=constraints-${model.name}] li`).all();
      const expected = checkConstraints(model.architecture);
      expect(checks).toHaveLength(expected.length);
      for (const [k, check] of checks.entries()) {
        expect(await check.getAttribute('class')).toBe(expected[k]!.passed ? 'pass' : 'fail');
        expect(await check.textContent()).toContain(expected[k]!.found);
      }
    }
    await page.getByTestId('model-zoo').screenshot({ path: join(artifactsDir, 'zoo.png') });
  });

  it('evaluates each shipped model on the test set in the page, or says it has no weights', async () => {
    for (const model of ZOO) {
      if (!shipped.includes(model.name)) {
        await expect(page.getByTestId(`no-weights-${model.name}`).count()).resolves.toBe(1);
        continue;
      }
      await page.getByTestId(`evaluate-${model.name}`).click();
      const accuracy = page.getByTestId(`accuracy-${model.name}`);
      await accuracy.waitFor({ timeout: 120_000 });
      // The page's evaluation of the 10,000 test images reproduces the accuracy the training run
      // recorded for these weights (to within 5 images: float rounding differs across runtimes).
      const inPage = Number.parseFloat((await accuracy.textContent()) ?? '');
      const expected = recorded.get(model.name);
      expect(expected).toBeDefined();
      expect(Math.abs(inPage - 100 * expected!)).toBeLessThanOrEqual(0.05);
      expect(inPage).toBeGreaterThan(95);
      await page.waitForSelector(`#confusion-${model.name}[data-rendered=true]`);
      await page
        .getByTestId(`zoo-${model.name}`)
        .screenshot({ path: join(artifactsDir, `zoo-${model.name}.png`) });
    }
    expect(problems).toEqual([]);
  });

  it("shows the speedrun's last result, one table row per seed, as BENCHMARKS.md has it", async () => {
    const benchmarks = await readFile(join(repoRoot, 'BENCHMARKS.md'), 'utf8');
    const seeds = benchmarks.match(/`pnpm speedrun -- [^`]*--seeds ([\d,]+)/)?.[1]?.split(',');
    expect(seeds?.length).toBeGreaterThan(0);
    const table = page.locator('table', { hasText: 'S4 final test accuracy' });
    await expect(table.count()).resolves.toBe(1);
    const firstCells = await table.locator('tbody tr td:first-child').allTextContents();
    expect(firstCells.map((cell) => cell.trim())).toEqual(seeds);
  });
});
