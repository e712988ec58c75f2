import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idxBytes, readPackageFile, removeScratchDirs, scratchDir } from './helpers';

// The browser build, as a bundler or a <script type="module"> gets it: it must not import
// anything (no Node built-ins), and it must load MNIST in a real browser (headless Chromium).
const packageDir = resolve(import.meta.dirname, '..');
const bundlePath = join(packageDir, 'dist', 'browser.js');

beforeAll(() => {
  if (!existsSync(bundlePath)) execFileSync('pnpm', ['build'], { cwd: packageDir });
});

describe('browser build', () => {
  it('is self-contained: no imports, no Node built-ins, no require', () => {
    const bundle = readFileSync(bundlePath, 'utf8');
    expect(bundle).not.toMatch(/^\s*import\s/m);
    expect(bundle).not.toMatch(/\bimport\s*\(/);
    expect(bundle).not.toMatch(/\brequire\s*\(/);
    expect(bundle).not.toMatch(/["']node:|\bprocess\.|\bBuffer\b/);
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(manifest.publishConfig.exports['.'].browser.default).toBe('./dist/browser.js');
  });
});

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { loadMnist, classCounts, parseIdx } from '/dist/browser.js';
const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
try {
  const progress = [];
  const test = await loadMnist({
    split: 'test',
    mirrors: [location.origin + '/down/', location.origin + '/mnist/'],
    onProgress: (p) => progress.push(p.receivedBytes),
  });
  const bad = await loadMnist({ split: 'test', baseUrl: location.origin + '/corrupt/' })
    .then(() => 'loaded', (e) => ({ name: e.name, code: e.code, message: e.message }));
  const bomb = await fetch('/bomb.gz').then((r) => r.arrayBuffer())
    .then((b) => parseIdx(new Uint8Array(b), { name: 'bomb.gz' }))
    .then(() => 'parsed', (e) => e.code);
  report({
    count: test.count, rows: test.rows, cols: test.cols,
    first: Array.from(test.labels.subarray(0, 10)),
    counts: classCounts(test.labels),
    inkOfFirst: test.images.subarray(0, 784).reduce((a, b) => a + b, 0),
    source: test.source,
    progressed: progress.length > 2 && progress.at(-1) > 0,
    bad, bomb,
  });
} catch (e) {
  report({ error: String(e && e.stack || e) });
}
</script>`;

describe('in headless Chromium', () => {
  let server: Server;
  let browser: ChildProcess | undefined;
  let result: Promise<Record<string, unknown>>;

  beforeAll(async () => {
    const routes = new Map<string, Uint8Array | string>([
      ['/', PAGE],
      ['/dist/browser.js', readFileSync(bundlePath, 'utf8')],
      ['/bomb.gz', gzipSync(idxBytes(0x08, [4], new Uint8Array(32 * 2 ** 20)))],
    ]);
    for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      const raw = await readPackageFile(name);
      routes.set(`/mnist/${name}.gz`, gzipSync(raw));
      raw[raw.length - 1]! ^= 1;
      routes.set(`/corrupt/${name}.gz`, gzipSync(raw));
    }
    let deliver: (value: Record<string, unknown>) => void = () => {};
    let fail: (error: Error) => void = () => {};
    result = new Promise((resolve, reject) => {
      deliver = resolve;
      fail = reject;
    });
    server = createServer((request, response) => {
      if (request.method === 'POST') {
        let body = '';
        request.on('data', (chunk) => {
          body += chunk;
        });
        request.on('end', () => {
          response.end();
          deliver(JSON.parse(body));
        });
        return;
      }
      const body = routes.get(request.url ?? '');
      if (request.url?.startsWith('/down/')) return void response.writeHead(503).end();
      if (body === undefined) return void response.writeHead(404).end();
      const type =
        request.url === '/'
          ? 'text/html'
          : request.url?.endsWith('.js')
            ? 'text/javascript'
            : 'application/octet-stream';
      response.writeHead(200, { 'content-type': type }).end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = spawn(
      'chromium',
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        `--user-data-dir=${await scratchDir('chromium')}`,
        '--remote-debugging-port=0',
        url,
      ],
      { stdio: 'ignore' },
    );
    // A browser that cannot start fails the test at once, not after the timeout.
    browser.on('error', fail);
    browser.on('exit', (code, signal) => {
      fail(new Error(`chromium exited (${code ?? signal}) before the page reported`));
    });
  });

  afterAll(async () => {
    // Wait for Chromium to exit before its profile folder is removed.
    if (browser && browser.exitCode === null && browser.signalCode === null) {
      const exited = new Promise((done) => browser?.once('exit', done));
      browser.kill();
      await exited;
    }
    server?.closeAllConnections();
    await new Promise((done) => server?.close(done));
    await removeScratchDirs();
  });

  it('loads the test split over fetch, skipping a failing mirror, verifying SHA-256', async () => {
    const out = await result;
    expect(out.error).toBeUndefined();
    expect(out).toMatchObject({
      count: 10000,
      rows: 28,
      cols: 28,
      first: [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
      counts: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
      progressed: true,
      bomb: 'OVERSIZED',
    });
    expect((out.source as { kind: string; location: string }).location).toMatch(/\/mnist\/$/);
    expect(out.inkOfFirst).toBeGreaterThan(10_000);
    const bad = out.bad as { name: string; code: string; message: string };
    expect(bad.name).toBe('MnistDataError');
    expect(bad.code).toBe('ALL_MIRRORS_FAILED');
    expect(bad.message).toContain('expected SHA-256 0fa7898d');
  });
});
