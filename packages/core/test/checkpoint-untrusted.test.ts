import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CoreError,
  fromArchitecture,
  initBackend,
  Linear,
  loadCheckpoint,
  MAX_PARAMETERS,
  Sequential,
  saveCheckpoint,
} from '../src/public-api';

// Checkpoint folders are untrusted input: whatever their files are, loading is bounded in
// memory and time and refuses with a CoreError naming the file, what was expected and found.
let work: string;
let good: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  work = await mkdtemp(join(tmpdir(), 's4-untrusted-'));
  good = join(work, 'good');
  const model = new Sequential(new Linear(3, 2));
  await saveCheckpoint(good, model, { normalization: { mean: 0, std: 1 } });
  model.dispose();
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A copy of the good checkpoint whose weights.bin is replaced by `make(path)`. */
async function withWeights(name: string, make: (file: string) => Promise<void>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, 'model.json'), await readFile(join(good, 'model.json')));
  await make(join(dir, 'weights.bin'));
  return dir;
}

async function loadError(dir: string): Promise<CoreError> {
  try {
    const loaded = await loadCheckpoint(dir);
    loaded.model.dispose();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error(`loading ${dir} should have failed`);
}

// Linear(3, 2): 6 weights + 2 biases, 4 bytes each.
const BYTES = 32;

describe('loadCheckpoint with hostile weight files', () => {
  it('refuses a symbolic link to /dev/zero without reading it', async () => {
    const dir = await withWeights('zero', (file) => symlink('/dev/zero', file));
    const before = process.memoryUsage().rss;
    const error = await loadError(dir);
    expect(error.code).toBe('BAD_CHECKPOINT');
    expect(error.message).toContain(
      `${join(dir, 'weights.bin')}: expected a regular file of ${BYTES} bytes`,
    );
    expect(error.message).toContain('a symbolic link out of the checkpoint folder');
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('refuses a symbolic link to a file outside the folder (and does not reveal its size)', async () => {
    const outside = join(work, 'secret.bin');
    await writeFile(outside, new Uint8Array(BYTES));
    const dir = await withWeights('outside', (file) => symlink(outside, file));
    const error = await loadError(dir);
    expect(error.message).toContain('a symbolic link out of the checkpoint folder');
  });

  it('refuses a FIFO instead of blocking on it', async () => {
    const dir = await withWeights('fifo', async (file) => {
      execFileSync('mkfifo', [file]);
    });
    const error = await loadError(dir);
    expect(error.message).toContain('found a FIFO');
  });

  it('refuses a file of another size than the manifest says', async () => {
    const dir = await withWeights('long', (file) => writeFile(file, new Uint8Array(BYTES + 4)));
    const error = await loadError(dir);
    expect(error.message).toBe(
      `${dir}/weights.bin: the manifest in ${dir}/model.json describes ${BYTES} bytes but the file has ${BYTES + 4}`,
    );
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('refuses a %s weight, naming the tensor', async (label, value) => {
    const dir = await withWeights(`nonfinite-${label}`, async (file) => {
      const bytes = new Uint8Array(await readFile(join(good, 'weights.bin')));
      // The first bias value: after the 6 weights of "0.weight".
      new DataView(bytes.buffer).setFloat32(6 * 4, value, true);
      await writeFile(file, bytes);
    });
    const error = await loadError(dir);
    expect(error.message).toBe(
      `${dir}/weights.bin: tensor "0.bias" holds ${label} at index 0; weights must be finite numbers`,
    );
  });
});

describe('fromArchitecture parameter budget', () => {
  it('refuses outChannels 1e9 by name before allocating anything', () => {
    const before = process.memoryUsage().rss;
    expect(() =>
      fromArchitecture([{ type: 'conv2d', inChannels: 1, outChannels: 1e9, kernelSize: 3 }]),
    ).toThrow(
      `architecture[0] (conv2d): 10,000,000,000 parameters bring the network to 10,000,000,000, over the budget of ${MAX_PARAMETERS.toLocaleString('en-US')}; check its sizes`,
    );
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('counts the whole network: two layers under the budget each can exceed it together', () => {
    const layer = { type: 'linear', inFeatures: 1000, outFeatures: 1000, bias: false };
    expect(() => fromArchitecture([layer, layer], { maxParameters: 1_500_000 })).toThrow(
      /^architecture\[1\] \(linear\): 1,000,000 parameters bring the network to 2,000,000/,
    );
  });
});
