import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipIdx as gunzipBrowser } from '../src/gunzip-browser';
import { decodeIdx, isGzip, MnistDataError, parseIdx } from '../src/index';
import { sha256Hex as sha256Browser } from '../src/sha256-browser';
import { idxBytes, readPackageFile } from './helpers';

function bigEndian(
  size: number,
  values: number[],
  set: (v: DataView, o: number, x: number) => void,
) {
  const bytes = new Uint8Array(size * values.length);
  const view = new DataView(bytes.buffer);
  values.forEach((x, i) => {
    set(view, size * i, x);
  });
  return bytes;
}

async function codeOf(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(MnistDataError);
    return (error as MnistDataError).code;
  }
  throw new Error('expected a MnistDataError, nothing was thrown');
}

describe('decodeIdx: every IDX element type, big-endian, any rank', () => {
  it('uint8 (0x08), rank 3', () => {
    const idx = decodeIdx(idxBytes(0x08, [2, 1, 3], Uint8Array.from([0, 1, 2, 253, 254, 255])));
    expect(idx.dtype).toBe('uint8');
    expect(idx.dims).toEqual([2, 1, 3]);
    expect(Array.from(idx.data)).toEqual([0, 1, 2, 253, 254, 255]);
  });

  it('int8 (0x09), rank 1', () => {
    const idx = decodeIdx(idxBytes(0x09, [3], Uint8Array.from([0x80, 0xff, 0x7f])));
    expect(idx.dtype).toBe('int8');
    expect(Array.from(idx.data)).toEqual([-128, -1, 127]);
  });

  it('int16 (0x0B), rank 2', () => {
    const values = [-32768, -2, 258, 32767];
    const data = bigEndian(2, values, (v, o, x) => v.setInt16(o, x, false));
    const idx = decodeIdx(idxBytes(0x0b, [2, 2], data));
    expect(idx.dtype).toBe('int16');
    expect(idx.data).toBeInstanceOf(Int16Array);
    expect(Array.from(idx.data)).toEqual(values);
  });

  it('int32 (0x0C), rank 4', () => {
    const values = [-2147483648, 16909060, -1, 2147483647];
    const data = bigEndian(4, values, (v, o, x) => v.setInt32(o, x, false));
    const idx = decodeIdx(idxBytes(0x0c, [1, 2, 1, 2], data));
    expect(idx.dims).toEqual([1, 2, 1, 2]);
    expect(Array.from(idx.data)).toEqual(values);
  });

  it('float32 (0x0D) and float64 (0x0E)', () => {
    const values = [0.5, -1.25, 3.0e10, Number.NEGATIVE_INFINITY];
    const f32 = decodeIdx(
      idxBytes(
        0x0d,
        [4],
        bigEndian(4, values, (v, o, x) => v.setFloat32(o, x, false)),
      ),
    );
    expect(f32.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f32.data)).toEqual(Array.from(Float32Array.from(values)));
    const precise = [Math.PI, -Number.MAX_VALUE, Number.MIN_VALUE, 1 / 3];
    const f64 = decodeIdx(
      idxBytes(
        0x0e,
        [2, 2],
        bigEndian(8, precise, (v, o, x) => v.setFloat64(o, x, false)),
      ),
    );
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(Array.from(f64.data)).toEqual(precise);
  });

  it('rank 0 (a scalar) and an empty dimension', () => {
    expect(Array.from(decodeIdx(idxBytes(0x08, [], Uint8Array.from([7]))).data)).toEqual([7]);
    expect(decodeIdx(idxBytes(0x08, [0, 28, 28], new Uint8Array(0))).data.length).toBe(0);
  });

  it('reads the real MNIST test labels and images headers', async () => {
    const labels = decodeIdx(await readPackageFile('t10k-labels-idx1-ubyte'));
    expect(labels.dims).toEqual([10000]);
    expect(Array.from(labels.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const images = decodeIdx(await readPackageFile('t10k-images-idx3-ubyte'));
    expect(images.dims).toEqual([10000, 28, 28]);
  });
});

describe('bad IDX bytes: typed errors naming the file, what was expected and found', () => {
  it('BAD_MAGIC: non-zero leading bytes, unknown type code, gzip given to the sync decoder', () => {
    for (const bytes of [
      Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]),
      Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 0]),
      gzipSync(idxBytes(0x08, [1], Uint8Array.from([1]))),
    ]) {
      let error: unknown;
      try {
        decodeIdx(bytes, { name: 'bad.idx' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MnistDataError);
      expect((error as MnistDataError).code).toBe('BAD_MAGIC');
      expect((error as MnistDataError).file).toBe('bad.idx');
      expect((error as Error).message).toMatch(/^bad\.idx: expected/);
    }
    expect(() => decodeIdx(Uint8Array.from([0, 0, 0x0a, 1]), { name: 'x' })).toThrow(
      /found 0x00 0x00 0x0a 0x01/,
    );
  });

  it('TRUNCATED: short header, short data', async () => {
    expect(await codeOf(() => decodeIdx(Uint8Array.from([0, 0])))).toBe('TRUNCATED');
    expect(await codeOf(() => decodeIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0])))).toBe('TRUNCATED');
    const short = idxBytes(0x08, [2, 28, 28], new Uint8Array(2 * 784 - 1));
    expect(() => decodeIdx(short, { name: 'short.idx' })).toThrow(
      'short.idx: header announces 2×28×28 uint8, so 1584 bytes are expected, found 1583 bytes',
    );
  });

  it('OVERSIZED: data past the announced dims, header past maxBytes', async () => {
    const long = idxBytes(0x0b, [2], new Uint8Array(5));
    expect(await codeOf(() => decodeIdx(long))).toBe('OVERSIZED');
    const huge = idxBytes(0x0e, [65536, 65536], new Uint8Array(0));
    expect(await codeOf(() => decodeIdx(huge))).toBe('OVERSIZED');
  });
});

describe('parseIdx: gzip detected by magic bytes and inflated, capped by the header', () => {
  const raw = idxBytes(0x0c, [3], Uint8Array.from([0, 0, 0, 1, 0, 0, 1, 0, 255, 255, 255, 255]));

  it('parses raw and gzip input alike', async () => {
    const gz = gzipSync(raw);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(raw)).toBe(false);
    expect(Array.from((await parseIdx(gz)).data)).toEqual([1, 256, -1]);
    expect(Array.from((await parseIdx(raw)).data)).toEqual([1, 256, -1]);
  });

  it('inflates the real test images from gzip, node:zlib and DecompressionStream alike', async () => {
    const original = await readPackageFile('t10k-images-idx3-ubyte');
    const gz = gzipSync(original);
    const viaNode = await parseIdx(gz);
    expect(viaNode.dims).toEqual([10000, 28, 28]);
    expect(Buffer.from(viaNode.data).equals(Buffer.from(original.subarray(16)))).toBe(true);
    const viaStream = await gunzipBrowser(gz);
    expect(Buffer.from(viaStream).equals(Buffer.from(original))).toBe(true);
    expect(await sha256Browser(original)).toBe(
      '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    );
  });

  it('a decompression bomb stops at the announced size (OVERSIZED), in Node and in the browser', async () => {
    // Announces 4 bytes, inflates to 64 MiB of zeros: refused after at most one extra chunk.
    const bomb = gzipSync(idxBytes(0x08, [4], new Uint8Array(64 * 2 ** 20)));
    expect(bomb.length).toBeLessThan(100_000);
    expect(await codeOf(parseIdx(bomb, { name: 'bomb.gz' }))).toBe('OVERSIZED');
    expect(await codeOf(gunzipBrowser(bomb, { name: 'bomb.gz' }))).toBe('OVERSIZED');
  });

  it('BAD_GZIP for a corrupt stream, TRUNCATED for a short inflated file', async () => {
    const gz = gzipSync(raw);
    const corrupt = Uint8Array.from(gz);
    corrupt.fill(0xff, 10, 20);
    expect(await codeOf(parseIdx(corrupt, { name: 'corrupt.gz' }))).toBe('BAD_GZIP');
    expect(await codeOf(gunzipBrowser(corrupt, { name: 'corrupt.gz' }))).toBe('BAD_GZIP');
    const cutInflated = gzipSync(raw.subarray(0, raw.length - 1));
    expect(await codeOf(parseIdx(cutInflated))).toBe('TRUNCATED');
    expect(await codeOf(parseIdx(gzipSync(Uint8Array.from([0, 0]))))).toBe('TRUNCATED');
  });
});
