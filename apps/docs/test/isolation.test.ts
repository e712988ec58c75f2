import { afterAll, describe, expect, it } from 'vitest';
import { collectProblems, openSite, type Site } from './support/site';

const sites: Site[] = [];
afterAll(async () => {
  for (const site of sites) await site.close();
});

describe('cross-origin isolation', () => {
  it('is on with the preview server headers (COOP/COEP): tfjs may use wasm threads', async () => {
    const site = await openSite();
    sites.push(site);
    const page = await site.browser.newPage();
    const response = await page.goto(`${site.url}/demos/train`, { waitUntil: 'load' });
    expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  });

  it('is not needed: on a host without the headers the demos still train and compute', async () => {
    const site = await openSite({ crossOriginIsolation: false });
    sites.push(site);
    const page = await site.browser.newPage();
    const problems = collectProblems(page, site.url);
    await page.goto(`${site.url}/demos/train`, { waitUntil: 'load' });
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
    await page.waitForSelector('[data-testid=train-model] option', { state: 'attached' });
    await page.getByTestId('train-count').selectOption('1280');
    await page.getByTestId('train-start').click();
    const demo = page.getByTestId('train-demo');
    await expect
      .poll(
        async () =>
          ((await demo.getAttribute('data-losses')) ?? '').split(',').filter(Boolean).length,
        {
          timeout: 120_000,
        },
      )
      .toBeGreaterThanOrEqual(3);
    await page.getByTestId('train-stop').click();
    await expect.poll(() => demo.getAttribute('data-state'), { timeout: 60_000 }).toBe('stopped');
    expect(await demo.textContent()).toContain('wasm SIMD');
    expect(await demo.textContent()).not.toContain('cross-origin isolated');

    await page.goto(`${site.url}/demos/backprop`, { waitUntil: 'load' });
    await page.getByTestId('e-total-0').waitFor();
    expect(await page.getByTestId('e-total-0').textContent()).toBe('0.242519857');
    expect(problems).toEqual([]);
  });
});
