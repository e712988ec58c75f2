import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_CONFIG, runBackprop, toCsv, toXlsx } from '../src/index';
import { readWorkbook } from './xlsx-reader';

// The docs site runs this package in the browser (editable inputs → table, chart, CSV and .xlsx
// download). Here the main entry is bundled for the browser, where any Node built-in would fail
// the build, and run in headless Chromium.
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import * as sheet from '/bundle.js';
const report = (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) });
try {
  const config = sheet.resolveConfig();
  const runs = sheet.runBackprop(config);
  const xlsx = sheet.toXlsx(config, runs);
  const svg = await sheet.renderSvg(sheet.errorChart(runs));
  let error;
  try { sheet.resolveConfig({ iterations: 0 }); } catch (e) { error = { name: e.name, argument: e.argument }; }
  report({
    firstError: runs[0].rows[0].E_total,
    csv: sheet.toCsv(runs[5].rows),
    xlsx: btoa(Array.from(xlsx, (b) => String.fromCharCode(b)).join('')),
    svg,
    error,
  });
} catch (e) {
  report({ failure: String((e && e.stack) || e) });
}
</script>`;

let server: Server;
let browser: ChildProcess | undefined;
let profile: string;
let result: Promise<Record<string, unknown>>;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(import.meta.dirname, '../src/index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const routes = new Map<string, [string, string]>([
    ['/', ['text/html', PAGE]],
    ['/bundle.js', ['text/javascript', bundle.outputFiles[0]!.text]],
  ]);
  let deliver: (value: Record<string, unknown>) => void = () => {};
  result = new Promise((resolve) => {
    deliver = resolve;
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
    const route = routes.get(request.url ?? '');
    if (!route) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': route[0] }).end(route[1]);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  profile = mkdtempSync(join(tmpdir(), 's4-backprop-chromium-'));
  browser = spawn(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    ],
    // Its own process group, so that teardown stops the wrapper script and every helper process.
    { stdio: 'ignore', detached: true },
  );
});

afterAll(async () => {
  if (browser && browser.exitCode === null) {
    const exited = new Promise((done) => browser!.once('exit', done));
    process.kill(-browser.pid!, 'SIGKILL');
    await exited;
  }
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  // The killed helper processes may still be flushing the profile for a moment.
  if (profile) rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 200 });
});

describe('in headless Chromium', () => {
  test('computes the same table and workbook as Node, and draws the chart', async () => {
    const out = await Promise.race([
      result,
      new Promise<never>((_, fail) =>
        setTimeout(
          () => fail(new Error('the page in Chromium reported nothing within 90 s')),
          90_000,
        ),
      ),
    ]);
    expect(out.failure).toBeUndefined();
    const runs = runBackprop(DEFAULT_CONFIG);
    expect(out.firstError).toBe(runs[0]!.rows[0]!.E_total);
    // Engines may round Math.exp differently in the last place, so compare to 1e-12, not bits.
    const lines = (out.csv as string).trimEnd().split('\n');
    const expected = toCsv(runs[5]!.rows).trimEnd().split('\n');
    expect(lines[0]).toBe(expected[0]);
    expect(lines).toHaveLength(expected.length);
    lines.slice(1).forEach((line, k) => {
      const want = expected[k + 1]!.split(',').map(Number);
      line.split(',').forEach((text, c) => {
        expect(Math.abs(Number(text) - want[c]!)).toBeLessThanOrEqual(1e-12);
      });
    });
    const browserBook = readWorkbook(new Uint8Array(Buffer.from(out.xlsx as string, 'base64')));
    const nodeBook = readWorkbook(toXlsx(DEFAULT_CONFIG, runs));
    expect(browserBook.parts).toEqual(nodeBook.parts);
    let cells = 0;
    for (const [name, nodeCells] of nodeBook.sheets) {
      const browserCells = browserBook.sheets.get(name)!;
      for (const [ref, cell] of nodeCells) {
        const other = browserCells.get(ref)!;
        expect(other.formula).toBe(cell.formula);
        if (typeof cell.value === 'number') {
          expect(Math.abs((other.value as number) - cell.value)).toBeLessThanOrEqual(1e-12);
        } else expect(other.value).toBe(cell.value);
        cells++;
      }
    }
    expect(cells).toBeGreaterThan(6 * 101 * 32);
    expect(out.svg).toContain('learning rate η');
    expect(out.svg).toContain('>iteration</text>');
    expect(out.error).toEqual({ name: 'BackpropInputError', argument: 'iterations' });
  });
});
