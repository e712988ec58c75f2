import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumHarness, openChromium } from './chromium';
import { expectTrains, type TrainingResult, writeMnistSlices } from './mnist-slice';

const TIMEOUT = 600_000;
let dir: string;
let chromium: ChromiumHarness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's4-tfjs-layers-browser-'));
  await writeMnistSlices(dir);
  chromium = await openChromium(dir);
}, TIMEOUT);
afterAll(async () => {
  await chromium?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the same tfjs-layers program in headless Chromium, bundled with esbuild', () => {
  it(
    'trains with model.fit on the wasm backend once the kernels are registered',
    async () => {
      const result = (await chromium.train({
        backend: 'wasm',
        withKernels: true,
      })) as TrainingResult;
      expectTrains(expect, result, 'wasm');
    },
    TIMEOUT,
  );

  it(
    "fails without them, with tfjs's missing-kernel error",
    async () => {
      await expect(
        chromium.train({ backend: 'wasm', withKernels: false, epochs: 1 }),
      ).rejects.toThrow("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    },
    TIMEOUT,
  );
});
