/**
 * Runs the conv-net program in headless Chromium: bundles test/program/train-browser.mjs with
 * esbuild (tfjs, its wasm backend and this package, from source), serves it, the wasm binaries
 * and the MNIST slices from 127.0.0.1, and opens one fresh page per run.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const require = createRequire(import.meta.url);
const wasmDist = join(
  dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);
const TYPES: Record<string, string> = {
  js: 'text/javascript',
  wasm: 'application/wasm',
  bin: 'application/octet-stream',
};

export interface BrowserRun {
  backend: 'wasm' | 'webgl' | 'cpu';
  withKernels: boolean;
  epochs?: number;
  batchSize?: number;
}

export interface ChromiumHarness {
  /** Chromium's version, e.g. "140.0.7339.185". */
  readonly browserVersion: string;
  /** Trains in a fresh page; resolves to the program's result, rejects with its error. */
  train(run: BrowserRun): Promise<unknown>;
  close(): Promise<void>;
}

/** `dataDir` holds train.bin and test.bin. `webgl`: SwiftShader (software), as there is no GPU. */
export async function openChromium(
  dataDir: string,
  { webgl = false } = {},
): Promise<ChromiumHarness> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('./program/train-browser.mjs', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@s4/source'],
    write: false,
    logLevel: 'error',
  });
  const bundle = bundled.outputFiles[0]!.text;
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const send = (body: string | Buffer, type: string) => {
      response.writeHead(200, { 'content-type': type });
      response.end(body);
    };
    try {
      if (path === '/') return send('<!doctype html><title>tfjs</title>', 'text/html');
      if (path === '/bundle.js') return send(bundle, TYPES.js!);
      const [, folder, file] = path.split('/');
      const root = folder === 'wasm' ? wasmDist : folder === 'data' ? dataDir : undefined;
      if (root === undefined || file === undefined || file.includes('..')) throw new Error(path);
      return send(readFileSync(join(root, file)), TYPES[file.split('.').pop()!] ?? 'text/plain');
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser: Browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      ...(webgl ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu']),
    ],
  });
  return {
    browserVersion: browser.version(),
    async train(run) {
      const page = await browser.newPage();
      try {
        await page.goto(`${origin}/`);
        await page.addScriptTag({ url: '/bundle.js', type: 'module' });
        await page.waitForFunction('typeof globalThis.trainInBrowser === "function"');
        return await page.evaluate(
          `globalThis.trainInBrowser(${JSON.stringify({ epochs: 3, batchSize: 32, ...run })})`,
        );
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
