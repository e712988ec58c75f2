import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The browser build (dist/browser.js) in Debian's Chromium, bundled into an app by esbuild (as any
// bundler would: the "browser" condition, tfjs from its ESM files) and served over HTTP from
// 127.0.0.1 the way a static app serves it: the wasm binaries under their own prefix, passed as
// `wasmPaths`.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const coreDist = fileURLToPath(new URL('../dist/', import.meta.url));
const require = createRequire(import.meta.url);
const wasmDist = join(
  dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);
const appDist = mkdtempSync(join(tmpdir(), 's4-core-browser-app-'));

const ROUTES: Record<string, string> = {
  '/app/': appDist,
  '/wasm/': wasmDist,
};
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
  '.map': 'application/json',
};
const PAGE = '<!doctype html><html><head></head><body></body></html>';

// Plain JS, passed as a string: vitest would rewrite an inline function's dynamic import.
const BROWSER_SCRIPT = `(async () => {
  const { initBackend, tf, batchNormTrainFused } = await import('/app/app.js');
  const run = async (backend) => {
    const info = await initBackend({ backend, wasmPaths: '/wasm/' });
    const x = tf.randomUniform([8, 12, 12, 1], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, 1, 8], 0, 0.5, 'float32', 2);
    const gamma = tf.ones([8]);
    const beta = tf.zeros([8]);
    const r = tf.randomNormal([8, 5, 5, 8], 0, 1, 'float32', 3);
    const loss = (wv, g, b) => {
      const h = tf.conv2d(x, wv, 1, 'valid');
      const n = batchNormTrainFused(h, g, b, 1e-5);
      return tf.sum(tf.mul(tf.maxPool(tf.relu(n), 2, 2, 'valid'), r));
    };
    const grads = tf.grads(loss)([w, gamma, beta]);
    const values = [loss(w, gamma, beta), ...grads].map((t) => Array.from(t.dataSync()));
    return { info, backend: tf.getBackend(), values };
  };
  const wasm = await run('wasm');
  const cpu = await run('cpu');
  return { wasm, cpu };
})()`;

interface BrowserRun {
  info: unknown;
  backend: string;
  values: number[][];
}

let server: Server;
let browser: Browser;
let origin = '';

beforeAll(async () => {
  expect(existsSync(join(coreDist, 'browser.js')), 'run `pnpm --filter @s4/core build` first').toBe(
    true,
  );
  expect(existsSync(chromiumPath), `no Chromium at ${chromiumPath} (see .ci/run)`).toBe(true);
  // The app re-exports @s4/core, resolved through the package's own exports (no source condition).
  await build({
    stdin: {
      contents: "export * from '@s4/core'; export * from '@s4/core/tf';",
      resolveDir: coreDist,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    mainFields: ['browser', 'module', 'main'],
    outfile: join(appDist, 'app.js'),
    logLevel: 'error',
  });
  server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (path === '/' || path === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    if (path === '/isolated.html') {
      // Cross-origin isolated: tfjs would pick its threaded (shared-memory) wasm build.
      response
        .writeHead(200, {
          'content-type': 'text/html',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
        })
        .end(PAGE);
      return;
    }
    const prefix = Object.keys(ROUTES).find((p) => path.startsWith(p));
    const file = prefix ? normalize(join(ROUTES[prefix]!, path.slice(prefix.length))) : '';
    if (!prefix || !file.startsWith(ROUTES[prefix]!) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response
      .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(appDist, { recursive: true, force: true });
});

describe('the browser build in Chromium', () => {
  it('initialises wasm from wasmPaths and trains a conv/BN/max-pool step matching the cpu backend', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}/`);
    const result = (await page.evaluate(BROWSER_SCRIPT)) as { wasm: BrowserRun; cpu: BrowserRun };
    expect(errors).toEqual([]);
    expect(result.wasm.info).toEqual({ backend: 'wasm', simd: true });
    expect(result.wasm.backend).toBe('wasm');
    expect(result.wasm.values.length).toBe(4);
    result.wasm.values.forEach((values, i) => {
      const reference = result.cpu.values[i]!;
      const scale = Math.max(...reference.map(Math.abs));
      const diff = Math.max(...values.map((v, j) => Math.abs(v - reference[j]!)));
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale, `output ${i}`).toBeLessThanOrEqual(1e-4);
    });
    await page.close();
  });

  it.each([
    ['threads: 1', ', threads: 1'],
    ['by default', ''],
  ])(
    'takes the unthreaded build %s on a cross-origin isolated page (S4 kernels need unshared memory)',
    async (_label, threadsOption) => {
      const page = await browser.newPage();
      await page.goto(`${origin}/isolated.html`);
      const result = await page.evaluate(`(async () => {
      const { initBackend, tf } = await import('/app/app.js');
      const info = await initBackend({ backend: 'wasm', wasmPaths: '/wasm/'${threadsOption} });
      return {
        isolated: globalThis.crossOriginIsolated,
        info,
        binaries: performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')),
        shared: tf.backend().wasm.asm.memory.buffer instanceof SharedArrayBuffer,
      };
    })()`);
      expect(result).toEqual({
        isolated: true,
        info: { backend: 'wasm', simd: true },
        binaries: [`${origin}/wasm/tfjs-backend-wasm-simd.wasm`],
        shared: false,
      });
      await page.close();
    },
  );
});
