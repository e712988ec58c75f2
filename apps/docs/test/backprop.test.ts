import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  chainRule,
  DEFAULT_CONFIG,
  networkOf,
  resolveConfig,
  runBackprop,
  toCsv,
} from '@s4/backprop-sheet';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, collectProblems, openSite, type Site } from './support/site';

let site: Site;
let page: Page;
let problems: string[];
beforeAll(async () => {
  site = await openSite();
  const context = await site.browser.newContext({
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
  });
  page = await context.newPage();
  problems = collectProblems(page, site.url);
  await page.goto(`${site.url}/demos/backprop`, { waitUntil: 'load' });
  await page.getByTestId('e-total-0').waitFor();
});
afterAll(async () => {
  await site?.close();
});

const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();

/** The same engine in Node, as the reference for what the page shows. */
function finalError(learningRate: number, weights = DEFAULT_CONFIG.weights): string {
  const config = resolveConfig({ learningRates: [learningRate], weights });
  return runBackprop(config)[0]!.rows.at(-1)!.E_total.toFixed(9);
}

describe('the backprop sheet demo', () => {
  it('shows E_total 0.242519857 at iteration 0 with the default network', async () => {
    expect(await text('e-total-0')).toBe('0.242519857');
    expect(await text('e-total-last')).toBe(finalError(0.5));
    // One row per iteration 0…100 for the table's rate.
    expect(await page.locator('[data-testid=backprop-table] tbody tr').count()).toBe(101);
  });

  it('draws E_total against iteration for all six learning rates', async () => {
    const chart = page.getByTestId('backprop-chart');
    await expect.poll(() => chart.getAttribute('data-rates')).toBe('0.1,0.2,0.5,0.8,1,2');
    // One line per rate, and a legend entry per rate.
    expect(await chart.locator('svg path.series-line').count()).toBe(6);
    expect(await chart.locator('svg text.legend-label').allTextContents()).toEqual([
      '0.1',
      '0.2',
      '0.5',
      '0.8',
      '1',
      '2',
    ]);
    await page
      .getByTestId('backprop-demo')
      .screenshot({ path: join(artifactsDir, 'backprop.png') });
  });

  it('draws the network with its current weights, and a weight’s chain rule when pointed at', async () => {
    const sig = (v: number) => String(Number(v.toPrecision(6)));
    const weightText = (k: number) => text(`weight-w${k}`);
    const rows = runBackprop(resolveConfig({ learningRates: [0.5] }))[0]!.rows;
    for (let k = 1; k <= 8; k++) {
      expect(await weightText(k)).toBe(`w${k} = ${sig(rows[0]![`w${k}` as 'w1'])}`);
    }
    expect(await text('node-h1')).toBe(rows[0]!.a_h1.toFixed(4));
    await page.getByTestId('weight-w6').hover();
    const chains = chainRule(networkOf(resolveConfig({})));
    await expect.poll(() => text('chain-gradient')).toBe(sig(chains[5]!.gradient));
    expect(await text('chain-rule')).toContain('a_o1 − t1');
    await page.getByTestId('weight-w2').hover();
    await expect.poll(() => text('chain-gradient')).toBe(sig(chains[1]!.gradient));
    // The slider walks the run: the edges show the weights of that iteration.
    await page.getByTestId('diagram-iteration').fill('40');
    await expect.poll(() => weightText(5)).toBe(`w5 = ${sig(rows[40]!.w5)}`);
    expect(await weightText(1)).toBe(`w1 = ${sig(rows[40]!.w1)}`);
    await page
      .getByTestId('network-diagram')
      .screenshot({ path: join(artifactsDir, 'backprop-network.png') });
    await page.getByTestId('diagram-iteration').fill('0');
  });

  it('recomputes when the learning rate changes', async () => {
    const before = await text('e-total-last');
    await page.getByTestId('table-rate').selectOption('2');
    await expect.poll(() => text('e-total-last')).toBe(finalError(2));
    expect(await text('e-total-last')).not.toBe(before);

    await page.getByTestId('rates').fill('0.3, 3');
    await expect
      .poll(() => page.getByTestId('backprop-chart').getAttribute('data-rates'))
      .toBe('0.3,3');
    expect(await text('e-total-last')).toBe(finalError(0.3));
    await page.getByTestId('table-rate').selectOption('3');
    await expect.poll(() => text('e-total-last')).toBe(finalError(3));
  });

  it('recomputes when a weight changes, and names a bad input', async () => {
    await page.getByTestId('w1').fill('0.9');
    const weights = [...DEFAULT_CONFIG.weights] as unknown as typeof DEFAULT_CONFIG.weights;
    (weights as unknown as number[])[0] = 0.9;
    await expect.poll(() => text('e-total-last')).toBe(finalError(3, weights));
    expect(await text('e-total-0')).not.toBe('0.242519857');

    await page.getByTestId('rates').fill('0.5, -1');
    await expect.poll(() => text('input-error')).toBe('η list: expected rates > 0, found -1');
    await page.getByTestId('rates').fill('0.1, 0.2, 0.5, 0.8, 1, 2');
    await page.getByTestId('w1').fill('0.15');
    await expect.poll(() => text('e-total-0')).toBe('0.242519857');
    await expect(page.getByTestId('input-error').count()).resolves.toBe(0);
  });

  it('downloads the table as CSV and the workbook as .xlsx, made in the page', async () => {
    await page.getByTestId('table-rate').selectOption('0.8');
    const [csvDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-csv').click(),
    ]);
    expect(csvDownload.suggestedFilename()).toBe('lr-0.8.csv');
    const csv = await readFile((await csvDownload.path())!, 'utf8');
    const expected = toCsv(runBackprop(resolveConfig({ learningRates: [0.8] }))[0]!.rows);
    // Same header and rows; values agree to the last ulp or so (Chromium's V8 and Node's V8
    // may round Math.exp differently in the 16th digit).
    const parse = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((line) => line.split(','));
    const [pageHeader, ...pageRows] = parse(csv);
    const [nodeHeader, ...nodeRows] = parse(expected);
    expect(pageHeader).toEqual(nodeHeader);
    expect(pageRows.length).toBe(101);
    for (const [r, row] of pageRows.entries()) {
      for (const [c, cell] of row.entries()) {
        const reference = Number(nodeRows[r]![c]);
        const tolerance = 1e-14 * Math.max(1, Math.abs(reference));
        expect(Math.abs(Number(cell) - reference)).toBeLessThanOrEqual(tolerance);
      }
    }

    const [xlsxDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-xlsx').click(),
    ]);
    expect(xlsxDownload.suggestedFilename()).toBe('backprop.xlsx');
    const xlsx = await readFile((await xlsxDownload.path())!);
    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK');
    // The zip directory names every part: a sheet per rate, the summary and their charts.
    const names = xlsx.toString('latin1');
    for (const part of ['xl/workbook.xml', 'xl/worksheets/sheet7.xml', 'xl/charts/chart7.xml']) {
      expect(names).toContain(part);
    }
    expect(problems).toEqual([]);
  });
});
