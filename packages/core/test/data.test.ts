import type { MnistData } from '@s4/mnist-data';
import { deriveSeed, Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { type AffineParams, affineTransformImage, sampleAffine } from '../src/data/augmentation';
import { prepareBatch, prepareEvalBatch, TrainingBatches } from '../src/data/batches';
import { checkDataset, sliceDataset } from '../src/data/dataset';
import { MNIST_NORMALIZATION } from '../src/data/normalization';
import { batchToTensors } from '../src/data/to-tensors';
import { CoreError } from '../src/errors';
import { loadSubset } from './mnist';

let train: MnistData;
const PIXELS = 28 * 28;

beforeAll(async () => {
  train = await loadSubset('train', 1000);
});

function transformed(index: number, params: AffineParams): Float32Array {
  const out = new Float32Array(PIXELS);
  affineTransformImage(train.images, index * PIXELS, out, 0, 28, 28, params);
  return out;
}

const identity: AffineParams = { angle: 0, scale: 1, dx: 0, dy: 0 };

describe('prepareBatch', () => {
  it('gathers and normalises like torchvision ToTensor + Normalize((0.1307,), (0.3081,))', () => {
    const indices = Int32Array.from([5, 0, 999, 17]);
    const batch = prepareBatch(train, indices);
    expect(batch.size).toBe(4);
    expect(batch.x.length).toBe(4 * PIXELS);
    indices.forEach((index, b) => {
      const expected = Float32Array.from(
        train.images.subarray(index * PIXELS, (index + 1) * PIXELS),
        (p) => (p / 255 - 0.1307) / 0.3081,
      );
      expect(sameBytes(batch.x.subarray(b * PIXELS, (b + 1) * PIXELS), expected)).toBe(true);
      expect(batch.labels[b]).toBe(train.labels[index]);
    });
    // Background pixels map to −mean/std.
    expect(Math.min(...batch.x)).toBeCloseTo(-0.1307 / 0.3081, 6);
  });

  it('evaluation batches run in file order and cover a short tail', () => {
    const tail = prepareEvalBatch(train, 990, 64);
    expect(tail.size).toBe(10);
    expect(Array.from(tail.indices)).toEqual([990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
    expect(Array.from(tail.labels)).toEqual(Array.from(train.labels.subarray(990)));
  });

  it('turns into [B, 28, 28, 1] float32 and int32 tensors without leaking', async () => {
    await initBackend({ backend: 'cpu' });
    const before = tf.memory().numTensors;
    const { x, y } = batchToTensors(prepareEvalBatch(train, 0, 8));
    expect(x.shape).toEqual([8, 28, 28, 1]);
    expect(x.dtype).toBe('float32');
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual(Array.from(train.labels.subarray(0, 8)));
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TrainingBatches', () => {
  const options = { batchSize: 128, seed: 7 };

  it('visits every example once per epoch, PyTorch-style with a short last batch', () => {
    const batches = new TrainingBatches(train, options);
    expect(batches.batchesPerEpoch).toBe(8);
    const seen = new Uint8Array(1000);
    for (let b = 0; b < 8; b++) {
      const batch = batches.prepare(0, b);
      expect(batch.size).toBe(b < 7 ? 128 : 1000 - 7 * 128);
      for (const i of batch.indices) seen[i]! += 1;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('is a pure function of (seed, epoch, batch): any order, any instance, same bytes', () => {
    const augment = { rotation: 10, translate: 0.1, scale: [0.9, 1.1] as const };
    const a = new TrainingBatches(train, { ...options, augment });
    const b = new TrainingBatches(train, { ...options, augment });
    const late = b.prepare(2, 5);
    b.prepare(0, 0);
    expect(sameBytes(a.prepare(0, 0).x, b.prepare(0, 0).x)).toBe(true);
    expect(sameBytes(a.prepare(2, 5).x, late.x)).toBe(true);
    expect(a.prepare(1, 0).indices).not.toEqual(a.prepare(0, 0).indices);
    const other = new TrainingBatches(train, { ...options, augment, seed: 8 });
    expect(other.prepare(0, 0).indices).not.toEqual(a.prepare(0, 0).indices);
  });

  it('keeps file order without shuffle', () => {
    const batches = new TrainingBatches(train, { ...options, shuffle: false });
    expect(Array.from(batches.prepare(3, 1).indices.subarray(0, 3))).toEqual([128, 129, 130]);
  });

  it('names bad arguments', () => {
    expect(() => new TrainingBatches(train, { batchSize: 0, seed: 1 })).toThrow(
      /batchSize: expected a positive integer, found 0/,
    );
    expect(
      () => new TrainingBatches(train, { batchSize: 8, seed: 1, augment: { rotation: 400 } }),
    ).toThrow(/augment\.rotation: expected degrees in \[0, 180\], found 400/);
    expect(() =>
      checkDataset({ ...train, images: train.images.subarray(0, 100) }, 'trainData'),
    ).toThrow(CoreError);
    expect(() => new TrainingBatches(train, options).prepare(0, 8)).toThrow(
      /batch: expected 0–7, found 8/,
    );
  });
});

describe('augmentation on real digits', () => {
  it('the identity transform reproduces the image exactly', () => {
    const out = transformed(3, identity);
    expect(Array.from(out)).toEqual(Array.from(train.images.subarray(3 * PIXELS, 4 * PIXELS)));
  });

  it('an integer shift moves every pixel, filling with black', () => {
    const out = transformed(3, { ...identity, dx: 3, dy: -2 });
    const src = train.images.subarray(3 * PIXELS, 4 * PIXELS);
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const sx = x - 3;
        const sy = y + 2;
        const expected = sx < 0 || sy >= 28 ? 0 : src[sy * 28 + sx]!;
        expect(out[y * 28 + x]).toBe(expected);
      }
    }
  });

  it('rotates counter-clockwise: a quarter turn sends the top row to the left column', () => {
    const out = transformed(3, { ...identity, angle: 90 });
    const src = train.images.subarray(3 * PIXELS, 4 * PIXELS);
    // With an even size the centre is 13.5, so a quarter turn maps pixels onto pixels.
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        expect(out[(27 - x) * 28 + y]).toBeCloseTo(src[y * 28 + x]!, 3);
      }
    }
  });

  it('rotating by θ then −θ keeps the digit (bilinear blur only) and the black background', () => {
    for (const index of [0, 1, 2, 10, 50]) {
      const src = Float32Array.from(train.images.subarray(index * PIXELS, (index + 1) * PIXELS));
      const there = transformed(index, { ...identity, angle: 12 });
      const back = new Float32Array(PIXELS);
      affineTransformImage(
        Uint8Array.from(there, (v) => Math.round(v)),
        0,
        back,
        0,
        28,
        28,
        { ...identity, angle: -12 },
      );
      expect(correlation(src, back)).toBeGreaterThan(0.9);
      expect(correlation(src, there)).toBeLessThan(0.97);
      for (const corner of [0, 27, 27 * 28, PIXELS - 1]) expect(there[corner]).toBe(0);
      const inkBefore = src.reduce((a, b) => a + b, 0);
      const inkAfter = there.reduce((a, b) => a + b, 0);
      expect(Math.abs(inkAfter - inkBefore) / inkBefore).toBeLessThan(0.05);
    }
  });

  it('scaling by 2 magnifies about the centre', () => {
    const index = train.labels.indexOf(1); // a narrow digit, so the magnified one still fits
    const out = transformed(index, { ...identity, scale: 2 });
    const src = train.images.subarray(index * PIXELS, (index + 1) * PIXELS);
    // Output (14, 14) samples the source at (14 − 13.5)/2 + 13.5 = 13.75 on both axes.
    const at = (x: number, y: number) => src[y * 28 + x]!;
    const expected =
      (at(13, 13) * 0.25 + at(14, 13) * 0.75) * 0.25 +
      (at(13, 14) * 0.25 + at(14, 14) * 0.75) * 0.75;
    expect(out[14 * 28 + 14]).toBeCloseTo(expected, 4);
    const width = (image: ArrayLike<number>) => {
      const columns = Array.from({ length: 28 }, (_, x) => x).filter((x) =>
        Array.from({ length: 28 }, (_, y) => image[y * 28 + x]!).some((v) => v > 0),
      );
      return columns.at(-1)! - columns[0]! + 1;
    };
    expect(width(out)).toBeGreaterThan(1.6 * width(src));
  });

  it('draws angles, scales and shifts inside the requested ranges', () => {
    const rng = new Rng(deriveSeed(1, 2, 3));
    const options = { rotation: 7, translate: 0.1, scale: [0.9, 1.1] as const };
    const draws = Array.from({ length: 2000 }, () => sampleAffine(rng, options, 28, 28));
    const angles = draws.map((d) => d.angle);
    expect(Math.max(...angles)).toBeLessThanOrEqual(7);
    expect(Math.min(...angles)).toBeGreaterThanOrEqual(-7);
    expect(Math.max(...angles)).toBeGreaterThan(6.5);
    expect(Math.min(...draws.map((d) => d.scale))).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...draws.map((d) => Math.abs(d.dx)))).toBeLessThanOrEqual(2.8);
  });

  it('an augmented batch is normalised with black mapped to −mean/std', () => {
    const batches = new TrainingBatches(sliceDataset(train, 0, 64), {
      batchSize: 64,
      seed: 3,
      augment: { rotation: 30 },
    });
    const batch = batches.prepare(0, 0);
    const black = -MNIST_NORMALIZATION.mean / MNIST_NORMALIZATION.std;
    expect(Math.min(...batch.x)).toBeCloseTo(black, 5);
    expect(batch.x[0]).toBeCloseTo(black, 5);
    const plain = prepareBatch(train, batch.indices);
    expect(sameBytes(batch.x, plain.x)).toBe(false);
  });
});

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Bytewise equality (vitest's toEqual walks typed arrays element by element, slowly). */
function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
