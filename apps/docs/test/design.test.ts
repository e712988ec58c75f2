import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ArchitectureError,
  analyzeArchitecture,
  checkConstraints,
  type LayerSpec,
  paramCount,
  s4,
  validateArchitecture,
} from '@s4/models';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../scripts/paths';
import { artifactsDir, collectProblems, openSite, type Site } from './support/site';

/** The real CLI, as built by turbo before the tests (`@s4/cli` is a dependency of the site). */
const cliBin = join(repoRoot, 'packages', 'cli', 'dist', 'bin.js');
const runCli = (...args: string[]) =>
  spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8', timeout: 60_000 });

let site: Site;
let page: Page;
let problems: string[];
let scratch: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 's4-design-'));
  site = await openSite();
  page = await (
    await site.browser.newContext({
      viewport: { width: 1280, height: 1100 },
      acceptDownloads: true,
    })
  ).newPage();
  problems = collectProblems(page, site.url);
  await page.goto(`${site.url}/demos/design`, { waitUntil: 'load' });
  await page.waitForSelector(
    '[data-testid=design-demo][data-ready=true] [data-testid=layer-0-type]',
  );
});
afterAll(async () => {
  await site?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const demo = () => page.getByTestId('design-demo');
const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim();
const thousands = (n: number) => n.toLocaleString('en-US');
/** s4's layers as a model file holds them: without their positional names. */
const s4Layers = () =>
  s4.architecture.map(({ name: _name, ...layer }) => structuredClone(layer)) as Array<
    Record<string, unknown>
  >;

/** The comparison chart draws these runs, each as a test accuracy, a test and a train loss line. */
async function expectChartRuns(labels: string[]): Promise<void> {
  const lines = page.locator('[data-testid=runs-chart] svg path.series-line');
  await expect.poll(() => lines.count()).toBe(3 * labels.length);
  const series = await lines.evaluateAll((paths) =>
    paths.map((p) => p.getAttribute('data-series')),
  );
  expect([...new Set(series)].sort()).toEqual(labels);
  for (const label of labels) expect(series.filter((s) => s === label)).toHaveLength(3);
  const colors = await lines.evaluateAll((paths) => paths.map((p) => p.getAttribute('stroke')));
  expect(new Set(colors).size).toBe(labels.length);
}

/** The page shows, layer by layer and in total, what @s4/models computes for `architecture`. */
async function expectCounts(architecture: readonly LayerSpec[]): Promise<void> {
  const layers = analyzeArchitecture(architecture);
  const total = layers.reduce((sum, layer) => sum + layer.params, 0);
  await expect.poll(() => text('design-params')).toBe(thousands(total));
  expect(await text('design-rf')).toBe(String(layers.at(-1)?.receptiveField));
  expect(await page.locator('[data-testid^=layer-][data-testid$=-shape]').count()).toBe(
    layers.length,
  );
  for (const layer of layers) {
    expect(await text(`layer-${layer.index}-shape`)).toBe(`[${layer.outputShape.join(', ')}]`);
    expect(await text(`layer-${layer.index}-params`)).toBe(thousands(layer.params));
    expect(await text(`layer-${layer.index}-rf`)).toBe(String(layer.receptiveField));
  }
  const checklist = await page.locator('[data-testid=design-constraints] li').allTextContents();
  expect(checklist.map((line) => line.replace(/\s+/g, ' ').trim())).toEqual(
    checkConstraints(architecture).map(
      (check) => `${check.passed ? '✓' : '✗'} ${check.requirement} — ${check.found}`,
    ),
  );
}

describe('the design-a-network page', () => {
  it('starts from s4 and recomputes shapes, parameters, receptive field and checklist as a layer is edited', async () => {
    await expectCounts(s4.architecture);
    // A 5×5 first convolution: more parameters, smaller maps, a wider receptive field.
    await page.getByTestId('layer-0-kernelSize').fill('5');
    const edited = s4Layers();
    edited[0]!.kernelSize = 5;
    const architecture = validateArchitecture(edited);
    // After GAP both see the whole image; the first layer's field is what the edit changes.
    expect(analyzeArchitecture(architecture)[0]?.receptiveField).toBe(5);
    expect(analyzeArchitecture(s4.architecture)[0]?.receptiveField).toBe(3);
    await expectCounts(architecture);
    expect(await page.getByTestId('design-json').inputValue()).toContain('"kernelSize": 5');
  });

  it('takes edits in the JSON view too: without dropout the checklist fails', async () => {
    const json = page.getByTestId('design-json');
    const before = await json.inputValue();
    await json.fill(before.replaceAll('"p": 0.05', '"p": 0'));
    const noDropout = s4Layers().map((layer) =>
      layer.type === 'dropout' ? { ...layer, p: 0 } : layer,
    );
    noDropout[0]!.kernelSize = 5;
    await expectCounts(validateArchitecture(noDropout));
    expect(await text('design-verdict')).toBe('Fails 1 of 5 constraints.');
    // Not JSON: the CLI's message with line and column, and the form keeps the last good draft.
    await json.fill(`${before.slice(0, 40)}`);
    await expect
      .poll(() => text('design-json-error'))
      .toMatch(/^my-s4\.json: invalid JSON at line \d+, column \d+/);
    expect(await page.getByTestId('design-download').isDisabled()).toBe(true);
    await json.fill(before);
    await json.blur();
    await expect.poll(() => page.getByTestId('design-json-error').count()).toBe(0);
    expect(await text('design-verdict')).toBe('Meets all 5 constraints.');
  });

  it('shows a channel mismatch at the offending layer, worded as `s4 check` words it', async () => {
    const broken = s4Layers();
    broken[0]!.kernelSize = 5;
    expect(broken[4]).toMatchObject({ type: 'conv2d', inChannels: 8 });
    broken[4]!.inChannels = 16;
    let expected = '';
    try {
      validateArchitecture(broken);
    } catch (error) {
      expect(error).toBeInstanceOf(ArchitectureError);
      expected = (error as Error).message;
    }
    expect(expected).toBe(
      'architecture[4] (conv2d): inChannels 16, but the previous layer outputs 8',
    );

    await page.getByTestId('layer-4-inChannels').fill('16');
    await expect.poll(() => text('layer-4-error')).toBe(expected);
    // Only that layer: no other layer shows an error, and nothing is counted or offered.
    expect(await page.locator('[data-testid^=layer-][data-testid$=-error]').count()).toBe(1);
    expect(await text('design-params')).toBe('–');
    expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
    expect(await page.getByTestId('design-download').isDisabled()).toBe(true);
    await page.getByTestId('layer-4').screenshot({ path: join(artifactsDir, 'design-error.png') });

    // The CLI refuses the same JSON with the same words (exit 2).
    const file = join(scratch, 'my-s4.json');
    writeFileSync(file, await page.getByTestId('design-json').inputValue());
    const result = runCli('check', '--model', file);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toContain(`${file}: ${expected}`);

    await page.getByTestId('layer-4-inChannels').fill('8');
    await expect.poll(() => page.getByTestId('layer-4-error').count()).toBe(0);
    expect(await page.getByTestId('train-start').isEnabled()).toBe(true);
  });

  it('trains the designed network for two epochs in a worker: the loss falls', async () => {
    const params = await text('design-params');
    await page.getByTestId('train-count').selectOption('1280');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-batch-size').selectOption('128');
    await page.getByTestId('train-workers').selectOption('1');
    await page.getByTestId('train-start').click();
    await expect
      .poll(() => demo().getAttribute('data-state'), { timeout: 240_000, interval: 500 })
      .toBe('done');
    expect(await page.getByTestId('train-error').count()).toBe(0);
    // The worker trained this network (its name and parameter count), not the zoo's s4.
    expect(await demo().textContent()).toContain(`my-s4: ${params} parameters`);
    const losses = ((await demo().getAttribute('data-losses')) ?? '')
      .split(',')
      .filter(Boolean)
      .map(Number);
    expect(losses).toHaveLength(2 * 10);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // ln 10 ≈ 2.30 is the loss of a network that knows nothing.
    expect(mean(losses.slice(0, 3))).toBeGreaterThan(1.5);
    expect(mean(losses.slice(-5))).toBeLessThan(0.75 * mean(losses.slice(0, 3)));
    expect(await page.locator('[data-testid=train-epochs-table] tbody tr').count()).toBe(2);
    // The train demo's chart: every batch (loss and accuracy) and each epoch's test point.
    await expect
      .poll(() => page.getByTestId('train-chart').getAttribute('data-points'))
      .toBe(String(2 * 20 + 2 * 2));
    await demo().screenshot({ path: join(artifactsDir, 'design.png') });
  }, 300_000);

  it('downloads a model file that `s4 check --model` accepts, with the counts the page shows', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('design-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('my-s4.json');
    const file = join(scratch, download.suggestedFilename());
    await download.saveAs(file);
    expect(readFileSync(file, 'utf8')).toBe(await page.getByTestId('design-json').inputValue());

    const result = runCli('check', '--model', file);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `Verdict: my-s4 meets all 5 constraints (${await text('design-params')} parameters, receptive field ${await text('design-rf')} px).`,
    );
    const json = runCli('check', '--model', file, '--json');
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { params: number; layers: Array<{ params: number }> };
    expect(thousands(report.params)).toBe(await text('design-params'));
    expect(report.layers[0]?.params).toBe(5 * 5 * 8);
    expect(problems).toEqual([]);
  });

  it('compares the designed network with s4 trained on the same settings, as `s4 compare` does', async () => {
    // The network trained above: s4 with a 5×5 first convolution, on 1,280 images.
    const edited = s4Layers();
    edited[0]!.kernelSize = 5;
    const designedParams = paramCount(validateArchitecture(edited));
    const s4Params = paramCount(s4.architecture);
    expect(designedParams).not.toBe(s4Params);
    const rows = page.locator('[data-testid=runs-table] tbody tr');
    const cell = async (id: number, testId: string) =>
      (await page.getByTestId(`run-${id}`).getByTestId(testId).textContent())?.trim();
    expect(await rows.count()).toBe(1);
    expect(await cell(1, 'run-model')).toBe('my-s4');
    expect(await cell(1, 'run-params')).toBe(thousands(designedParams));
    expect(await text('train-s4-settings')).toBe(
      '1,280 train and 1,000 test images, 2 epochs, batch size 128, 1 worker',
    );

    await page.getByTestId('train-s4').click();
    await expect
      .poll(() => demo().getAttribute('data-state'), { timeout: 240_000, interval: 500 })
      .toBe('done');
    expect(await page.getByTestId('train-error').count()).toBe(0);
    // The zoo's s4, on the same slice and budget: 10 batches of 128 in each of 2 epochs.
    expect(await demo().textContent()).toContain(`s4: ${thousands(s4Params)} parameters`);
    expect(((await demo().getAttribute('data-losses')) ?? '').split(',')).toHaveLength(2 * 10);

    await expect.poll(() => rows.count()).toBe(2);
    expect(await cell(2, 'run-model')).toBe('s4');
    expect(await cell(2, 'run-params')).toBe(thousands(s4Params));
    // Same settings: no row is flagged.
    expect(await page.getByTestId('run-flags').count()).toBe(0);
    const finals = await Promise.all(
      [1, 2].map(async (id) => Number.parseFloat((await cell(id, 'run-final')) ?? '')),
    );
    for (const final of finals) expect(final).toBeGreaterThan(20);
    const best = finals[1]! > finals[0]! ? 2 : 1;
    expect(await page.locator('[data-testid=runs-table] tr.best').getAttribute('data-testid')).toBe(
      `run-${best}`,
    );
    expect(await text('runs-best')).toContain(
      `Best final test accuracy: #${best} ${best === 1 ? 'my-s4' : 's4'} (${thousands(best === 1 ? designedParams : s4Params)} params)`,
    );
    // The curves overlaid: one colour per run, each run's test accuracy, test and train loss.
    await expectChartRuns(['#1 my-s4', '#2 s4']);
    await page
      .getByTestId('design-compare')
      .screenshot({ path: join(artifactsDir, 'design-compare.png') });

    // The runs outlive a visit to another page of the site (and the page's component).
    await page.locator('main a[href="/guide/model-files"]').first().click();
    await page.waitForURL(/\/guide\/model-files$/);
    await page.goBack();
    await page.waitForSelector(
      '[data-testid=design-demo][data-ready=true] [data-testid=layer-0-type]',
    );
    expect(await rows.count()).toBe(2);
    expect(await cell(1, 'run-params')).toBe(thousands(designedParams));
    await expectChartRuns(['#1 my-s4', '#2 s4']);

    // Removing a run takes its row away; the other one stays, now the best.
    await page.getByTestId('run-1-remove').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId('run-1').count()).toBe(0);
    expect(await cell(2, 'run-model')).toBe('s4');
    expect(await text('runs-best')).toContain('#2 s4');
    await expectChartRuns(['#2 s4']);
    expect(problems).toEqual([]);
  }, 300_000);
});
