import { loadMnist } from '@s4/mnist-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { BlankImageError, preprocessDigit, type RasterImage } from '../src/preprocess-digit';

let digits: Uint8Array[];

beforeAll(async () => {
  const test = await loadMnist({ split: 'test', limit: 20, download: false });
  digits = Array.from({ length: 20 }, (_, i) => test.images.slice(i * 784, (i + 1) * 784));
});

/** Pearson correlation of two images. */
function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += (a[i] as number) / n;
    mb += (b[i] as number) / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return ab / Math.sqrt(aa * bb);
}

/** The best correlation of `a` shifted by at most one pixel each way with `b`. */
function bestShiftedCorrelation(a: Uint8Array, b: Uint8Array): number {
  let best = -1;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const shifted = new Uint8Array(784);
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          const sy = y - dy;
          const sx = x - dx;
          if (sy >= 0 && sy < 28 && sx >= 0 && sx < 28)
            shifted[y * 28 + x] = a[sy * 28 + sx] as number;
        }
      }
      best = Math.max(best, correlation(shifted, b));
    }
  }
  return best;
}

/** An MNIST digit photographed: scaled up `factor`× (nearest), dark ink on light paper, RGBA, padded off-centre. */
function asPhoto(
  digit: Uint8Array,
  factor: number,
  pad: { left: number; top: number },
): RasterImage {
  const width = 28 * factor + pad.left + 37;
  const height = 28 * factor + pad.top + 11;
  const data = new Uint8Array(width * height * 4).fill(255);
  for (let y = 0; y < 28 * factor; y++) {
    for (let x = 0; x < 28 * factor; x++) {
      const v =
        235 -
        Math.round(
          ((digit[Math.floor(y / factor) * 28 + Math.floor(x / factor)] as number) * 220) / 255,
        );
      const p = ((y + pad.top) * width + x + pad.left) * 4;
      data[p] = v;
      data[p + 1] = v;
      data[p + 2] = v;
    }
  }
  return { width, height, channels: 4, data };
}

describe('preprocessDigit (MNIST-style centring)', () => {
  it('recovers MNIST digits from big, inverted, off-centre RGBA pictures', () => {
    const scores = digits.map((digit, i) =>
      bestShiftedCorrelation(
        preprocessDigit(asPhoto(digit, 3 + (i % 5), { left: 5 + 13 * i, top: 40 - i })),
        digit,
      ),
    );
    // Rounding the centre of mass can land one pixel off the original placement.
    expect(Math.min(...scores)).toBeGreaterThan(0.95);
  });

  it('keeps an already MNIST-like image nearly unchanged', () => {
    const digit = digits[0] as Uint8Array;
    const out = preprocessDigit({ width: 28, height: 28, channels: 1, data: digit });
    expect(out.length).toBe(784);
    expect(correlation(out, digit)).toBeGreaterThan(0.95);
  });

  it('treats transparent pixels as paper', () => {
    const digit = digits[1] as Uint8Array;
    const data = new Uint8Array(56 * 56 * 2);
    for (let y = 0; y < 56; y++) {
      for (let x = 0; x < 56; x++) {
        // Black ink whose opacity is the MNIST intensity, on a fully transparent background.
        data[(y * 56 + x) * 2 + 1] = digit[Math.floor(y / 2) * 28 + Math.floor(x / 2)] as number;
      }
    }
    expect(
      correlation(preprocessDigit({ width: 56, height: 56, channels: 2, data }), digit),
    ).toBeGreaterThan(0.9);
  });

  it('rejects a blank image', () => {
    const blank = {
      width: 40,
      height: 30,
      channels: 3 as const,
      data: new Uint8Array(40 * 30 * 3).fill(250),
    };
    expect(() => preprocessDigit(blank)).toThrow(BlankImageError);
    expect(() => preprocessDigit(blank)).toThrow(/40×30/);
  });
});
