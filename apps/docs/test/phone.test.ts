import { join } from 'node:path';
import { loadMnist, type MnistData } from '@s4/mnist-data';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, collectProblems, openSite, type Site } from './support/site';

// A 390-px-wide phone (iPhone 12–15 class), touch, high density.
const PHONE = { width: 390, height: 844 };

let site: Site;
let context: BrowserContext;
beforeAll(async () => {
  site = await openSite();
  context = await site.browser.newContext({
    viewport: PHONE,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
});
afterAll(async () => {
  await site?.close();
});

/**
 * Elements that stick out of the viewport sideways, unless inside a box that scrolls or clips
 * sideways itself (a wide table or code block in its own scroller is fine on a phone).
 */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    const contained = (element: Element): boolean => {
      for (let parent = element.parentElement; parent !== null; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) {
          return parent.getBoundingClientRect().right <= width + 1;
        }
      }
      return false;
    };
    const reported = new Set<Element>();
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (getComputedStyle(element).visibility === 'hidden') continue;
      // Wholly off screen is a closed drawer (the sidebar menu), not an overflow.
      if (box.right <= 0 || box.left >= width) continue;
      if ((box.right > width + 1 || box.left < -1) && !contained(element)) {
        reported.add(element);
        // The outermost offender says it all; its children stick out with it.
        if (element.parentElement !== null && reported.has(element.parentElement)) continue;
        const id =
          element.getAttribute('data-testid') ?? (element.getAttribute('class') ?? '').slice(0, 40);
        found.push(
          `<${element.tagName.toLowerCase()} ${id}> spans ${Math.round(box.left)}…${Math.round(box.right)} px`,
        );
      }
    }
    if (document.documentElement.scrollWidth > width + 1) {
      found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide`);
    }
    return found.slice(0, 10);
  });
}

describe('on a 390-px phone', () => {
  it.each([
    ['/', '.VPHero'],
    ['/guide/quick-start', '.vp-doc h1'],
    ['/guide/backprop', '[data-testid=network-diagram] text'],
    ['/guide/mnist-cnn', '[data-testid=architecture-block]'],
    ['/demos/backprop', '[data-testid=backprop-chart] svg'],
    ['/demos/train', '[data-testid=train-start]'],
    ['/demos/zoo', '[data-testid=architecture-block]'],
    ['/reference/benchmarks', '[data-testid=training-speed-chart] svg'],
  ])(
    '%s fits the screen: nothing sticks out sideways',
    async (path, ready) => {
      const page = await context.newPage();
      const problems = collectProblems(page, site.url);
      await page.goto(`${site.url}${path}`, { waitUntil: 'load' });
      await page.locator(ready).first().waitFor({ timeout: 60_000 });
      if (path === '/demos/zoo') {
        await page
          .locator('[data-testid^=curves-] svg, .chart svg')
          .first()
          .waitFor({ timeout: 60_000 });
      }
      expect(await overflowing(page)).toEqual([]);
      const name = path === '/' ? 'home' : path.slice(1).replace(/\//g, '-');
      await page.screenshot({ path: join(artifactsDir, `phone-${name}.png`), fullPage: true });
      await page.close();
      expect(problems).toEqual([]);
    },
    120_000,
  );

  it('backprop demo: the chart shows every learning rate in its legend, inside the screen', async () => {
    const page = await context.newPage();
    await page.goto(`${site.url}/demos/backprop`, { waitUntil: 'load' });
    const legend = page.locator('[data-testid=backprop-chart] text.legend-label');
    await expect.poll(() => legend.count(), { timeout: 30_000 }).toBe(6);
    for (const box of await legend.evaluateAll((nodes) =>
      nodes.map((n) => n.getBoundingClientRect().toJSON() as DOMRect),
    )) {
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(PHONE.width);
    }
    await page.close();
  }, 120_000);

  it('draw demo: a drawn digit’s prediction shows without scrolling', async () => {
    const test: MnistData = await loadMnist({ split: 'test', limit: 1 });
    const page = await context.newPage();
    const problems = collectProblems(page, site.url);
    await page.goto(`${site.url}/demos/draw`, { waitUntil: 'load' });
    await page.waitForFunction(
      () =>
        /Draw a digit/.test(document.querySelector('[data-testid=draw-status]')?.textContent ?? ''),
      undefined,
      { timeout: 60_000 },
    );
    const canvas = page.getByTestId('draw-canvas');
    const box = (await canvas.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    // Trace the test digit with the mouse, one stroke per run of ink (as draw.test.ts does).
    const scale = box.width / 28;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        if (test.images[y * 28 + x]! < 128) continue;
        const start = x;
        while (x < 28 && test.images[y * 28 + x]! >= 128) x++;
        await page.mouse.move(box.x + (start + 0.5) * scale, box.y + (y + 0.5) * scale);
        await page.mouse.down();
        await page.mouse.move(box.x + (x - 0.5) * scale, box.y + (y + 0.5) * scale, { steps: 3 });
        await page.mouse.up();
      }
    }
    const prediction = page.getByTestId('draw-prediction');
    await expect
      .poll(() => prediction.getAttribute('data-class'), { timeout: 30_000 })
      .toBe(String(test.labels[0]));
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
    const shown = (await prediction.boundingBox())!;
    expect(shown.y).toBeGreaterThanOrEqual(0);
    expect(shown.y + shown.height).toBeLessThanOrEqual(PHONE.height);
    expect(await overflowing(page)).toEqual([]);
    await page.screenshot({ path: join(artifactsDir, 'phone-draw.png') });
    await page.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
