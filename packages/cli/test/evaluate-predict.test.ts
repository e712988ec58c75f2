import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { loadMnist } from '@s4/mnist-data';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

// The real `s4` bin on a checkpoint it trained itself (a short run: these tests check the
// plumbing and the errors; accuracy is checked on the shipped weights and in train.test.ts).
const work = mkdtempSync(join(tmpdir(), 's4-evaluate-'));
const checkpoint = join(work, 'run', 'last');

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });

beforeAll(() => {
  ensureCliBuilt();
  const trained = s4(
    'train',
    '--limit',
    '512',
    '--epochs',
    '1',
    '--test-limit',
    '100',
    '--out',
    'run',
  );
  expect(trained.status, trained.stderr).toBe(0);
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** An MNIST test digit as a PNG the way a user might draw it: big, dark on white, RGB. */
function digitPng(pixels: Uint8Array, scale: number): Buffer {
  const size = 28 * scale + 20;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sy = Math.floor((y - 10) / scale);
      const sx = Math.floor((x - 10) / scale);
      const ink = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? (pixels[sy * 28 + sx] as number) : 0;
      const i = (y * size + x) * 4;
      png.data[i] = 255 - ink;
      png.data[i + 1] = 255 - ink;
      png.data[i + 2] = 255 - ink;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

describe('s4 evaluate', () => {
  test('--json reports the checkpoint on the test images', () => {
    const result = s4('evaluate', '--checkpoint', checkpoint, '--limit', '300', '--json');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      'model',
      'params',
      'count',
      'correct',
      'accuracy',
      'loss',
    ]);
    expect(report).toMatchObject({ model: 's4', params: 7738, count: 300 });
    expect(report.accuracy).toBeCloseTo((100 * report.correct) / 300, 10);
    expect(report.loss).toBeGreaterThan(0);
  });

  test('without --checkpoint it evaluates the shipped S4 weights', () => {
    const result = s4('evaluate', '--limit', '2000', '--json');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ model: 's4', params: 7738, count: 2000 });
    expect(report.accuracy).toBeGreaterThan(99);
  });

  test('the same images give the same numbers as the run measured', () => {
    const metrics = JSON.parse(readFileSync(join(work, 'run', 'metrics.jsonl'), 'utf8').trim());
    const report = JSON.parse(
      s4('evaluate', '--checkpoint', checkpoint, '--limit', '100', '--json').stdout,
    );
    expect(report.correct).toBe(metrics.testCorrect);
    expect(report.loss).toBeCloseTo(metrics.testLoss, 5);
  });

  test('a checkpoint of another architecture names the tensor and both shapes (exit 2)', () => {
    const result = s4('evaluate', '--model', 'seed-arch1', '--checkpoint', checkpoint);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /"0\.weight".*\[3, 3, 1, 32\].*\[3, 3, 1, 8\]|"0\.weight".*\[3, 3, 1, 8\].*\[3, 3, 1, 32\]/,
    );
  });

  test('a missing checkpoint and an unknown model are usage errors', () => {
    const missing = s4('evaluate', '--checkpoint', join(work, 'nowhere'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(join(work, 'nowhere', 'model.json'));
    const unknown = s4('evaluate', '--model', 'vgg16');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('error: unknown model "vgg16"');
  });
});

describe('s4 predict', () => {
  test('reads PNG digits of any size and prints the digit and top-3 probabilities', async () => {
    const test = await loadMnist({ split: 'test', limit: 3, download: false });
    const files = [0, 1, 2].map((i) => {
      const file = join(work, `digit-${i}.png`);
      writeFileSync(file, digitPng(test.images.subarray(i * 784, (i + 1) * 784), 2 + i));
      return file;
    });
    const json = s4('predict', ...files, '--checkpoint', checkpoint, '--json');
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(files);
    for (const line of lines) {
      expect(line.top3).toHaveLength(3);
      expect(line.digit).toBe(line.top3[0].digit);
      const p = line.top3.map((t: { probability: number }) => t.probability);
      expect(p[0]).toBeGreaterThanOrEqual(p[1]);
      expect(p[1]).toBeGreaterThanOrEqual(p[2]);
      expect(p[0] + p[1] + p[2]).toBeLessThanOrEqual(1 + 1e-6);
    }
    const text = s4('predict', files[0] as string, '--checkpoint', checkpoint);
    expect(text.stdout).toMatch(
      /^.*digit-0\.png: \d {2}\(\d \d+\.\d%, \d \d+\.\d%, \d \d+\.\d%\)$/m,
    );
  });

  test('the shipped S4 weights read big, dark-on-light pictures of test digits correctly', async () => {
    const count = 30;
    const test = await loadMnist({ split: 'test', limit: count, download: false });
    const files = Array.from({ length: count }, (_, i) => {
      const file = join(work, `shipped-${i}.png`);
      writeFileSync(file, digitPng(test.images.subarray(i * 784, (i + 1) * 784), 3 + (i % 4)));
      return file;
    });
    const result = s4('predict', ...files, '--json');
    expect(result.status).toBe(0);
    const digits = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).digit as number);
    const right = digits.filter((d, i) => d === test.labels[i]).length;
    // Re-centring a rescaled picture is not pixel-exact, so allow one miss in 30.
    expect(right).toBeGreaterThanOrEqual(count - 1);
  });

  test('a file that is not a PNG, a missing file and a blank image are usage errors', () => {
    const notPng = join(work, 'notes.png');
    writeFileSync(notPng, 'just text');
    const blank = join(work, 'blank.png');
    const png = new PNG({ width: 40, height: 30 });
    png.data.fill(255);
    writeFileSync(blank, PNG.sync.write(png));
    for (const [file, message] of [
      [notPng, /notes\.png: expected a PNG image/],
      [join(work, 'missing.png'), /missing\.png: cannot read it \(ENOENT\)/],
      [blank, /blank\.png: The 40×30 image has no visible digit/],
    ] as const) {
      const result = s4('predict', file, '--checkpoint', checkpoint);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});

/**
 * A PNG whose header declares `width`×`height` gray pixels, with one tiny compressed row: a few
 * hundred bytes that a decoder would turn into width × height × 4 bytes of RGBA.
 */
function hugePngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    // The CRC is not checked before the size: any value will do for this test.
    return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // gray
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Runs `s4 args…` under GNU time: the result and the child's peak resident memory in MiB. */
function s4Measured(...args: string[]) {
  const result = spawnSync(
    '/usr/bin/time',
    ['-f', 'maxrss-kb %M', process.execPath, bin, ...args],
    {
      cwd: work,
      encoding: 'utf8',
    },
  );
  const kb = Number(/maxrss-kb (\d+)/.exec(result.stderr)?.[1]);
  return { ...result, peakMiB: kb / 1024 };
}

describe('untrusted inputs to evaluate and predict', () => {
  test('a PNG declaring 30000×30000 pixels is refused before decoding, in bounded memory', () => {
    const file = join(work, 'bomb.png');
    writeFileSync(file, hugePngHeader(30_000, 30_000));
    const result = s4Measured('predict', file, '--checkpoint', checkpoint);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `${file}: expected a PNG of at most 4096×4096 pixels (a digit needs far less), found 30000×30000 declared in its header`,
    );
    // Decoding it would need 30000 × 30000 × 4 bytes (3.4 GiB); a refusal needs a Node process.
    expect(result.peakMiB).toBeGreaterThan(0);
    expect(result.peakMiB).toBeLessThan(400);
  });

  test('a PNG file larger than any digit needs is refused before it is read', () => {
    const file = join(work, 'huge-file.png');
    writeFileSync(file, hugePngHeader(28, 28));
    // A sparse file: 40 MiB on paper, nothing on disk.
    truncateSync(file, 40 * 2 ** 20);
    const result = s4('predict', file, '--checkpoint', checkpoint);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `${file}: expected a PNG digit of at most 33554432 bytes, found 41943040 bytes`,
    );
  });

  test("--checkpoint '' is refused instead of falling back to the shipped weights", () => {
    for (const command of [
      ['evaluate', '--limit', '10'],
      ['predict', join(work, 'digit-0.png')],
    ]) {
      const result = s4(...command, '--checkpoint', '');
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('--checkpoint: expected a checkpoint folder, found ""');
      expect(result.stdout).toBe('');
    }
  });

  test('a checkpoint made for other inputs than 28×28×1 digits is refused, naming inputShape', async () => {
    const other = join(work, 'rgb32');
    cpSync(checkpoint, other, { recursive: true });
    const modelJson = join(other, 'model.json');
    const json = JSON.parse(readFileSync(modelJson, 'utf8'));
    json.inputShape = [32, 32, 3];
    writeFileSync(modelJson, JSON.stringify(json));
    const test = await loadMnist({ split: 'test', limit: 1, download: false });
    const digit = join(work, 'rgb32-digit.png');
    writeFileSync(digit, digitPng(test.images.subarray(0, 784), 2));
    for (const command of [
      ['evaluate', '--limit', '10'],
      ['predict', digit],
    ]) {
      const result = s4(...command, '--checkpoint', other);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        `${modelJson}: "inputShape" must be [28, 28, 1] (an MNIST digit) for s4 evaluate and predict, found [32, 32, 3]`,
      );
      expect(result.stdout).toBe('');
    }
  });
});
