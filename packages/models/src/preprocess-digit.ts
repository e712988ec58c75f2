/** A decoded picture: `channels` values (0–255) per pixel, row by row. */
export interface RasterImage {
  width: number;
  height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** Thrown when an image holds nothing to read (blank, or a single flat colour). */
export class BlankImageError extends Error {
  override name = 'BlankImageError';
}

const SIZE = 28;
const BOX = 20;

/**
 * Turns any picture of a digit into an MNIST-style 28×28 image, the way MNIST itself was made:
 * grayscale (transparent pixels count as white paper), inverted when the background is light so
 * ink is bright on black, cropped to the ink, scaled (aspect kept) so the longer side is 20
 * pixels with area averaging, and placed in 28×28 so that its centre of mass is the centre.
 * Returns 784 values, 0 = background.
 */
export function preprocessDigit(image: RasterImage): Uint8Array {
  const { width, height } = image;
  const gray = toGray(image);
  const border = borderMean(gray, width, height);
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) {
    ink[i] = border > 127 ? 255 - (gray[i] as number) : (gray[i] as number);
  }
  // Ink is what stands out from the background level; this also removes paper grain.
  const background = border > 127 ? 255 - border : border;
  let peak = 0;
  for (let i = 0; i < ink.length; i++) {
    const v = Math.max(0, (ink[i] as number) - background);
    ink[i] = v;
    if (v > peak) peak = v;
  }
  if (peak < 16) {
    throw new BlankImageError(
      `The ${width}×${height} image has no visible digit (it is one flat colour)`,
    );
  }
  const threshold = peak * 0.1;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((ink[y * width + x] as number) > threshold) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const cropW = x1 - x0 + 1;
  const cropH = y1 - y0 + 1;
  const scale = BOX / Math.max(cropW, cropH);
  const outW = Math.max(1, Math.round(cropW * scale));
  const outH = Math.max(1, Math.round(cropH * scale));
  const boxed = resample(ink, width, x0, y0, cropW, cropH, outW, outH, 255 / peak);
  // Centre of mass (pixel indices) moved to pixel (14, 14), where MNIST's digits have theirs.
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const v = boxed[y * outW + x] as number;
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const offsetX = Math.round(SIZE / 2 - mx / mass);
  const offsetY = Math.round(SIZE / 2 - my / mass);
  const out = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const tx = x + offsetX;
      const ty = y + offsetY;
      if (tx < 0 || ty < 0 || tx >= SIZE || ty >= SIZE) continue;
      out[ty * SIZE + tx] = Math.round(Math.min(255, boxed[y * outW + x] as number));
    }
  }
  return out;
}

function toGray(image: RasterImage): Float32Array {
  const { width, height, channels, data } = image;
  const expected = width * height * channels;
  if (data.length < expected) {
    throw new RangeError(
      `Image data has ${data.length} values, expected ${width}×${height}×${channels} = ${expected}`,
    );
  }
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    const p = i * channels;
    const value =
      channels >= 3
        ? 0.299 * (data[p] as number) +
          0.587 * (data[p + 1] as number) +
          0.114 * (data[p + 2] as number)
        : (data[p] as number);
    const alpha = channels === 2 || channels === 4 ? (data[p + channels - 1] as number) / 255 : 1;
    gray[i] = value * alpha + 255 * (1 - alpha);
  }
  return gray;
}

/** Mean gray level of the outermost pixels: the background's colour. */
function borderMean(gray: Float32Array, width: number, height: number): number {
  let sum = 0;
  let n = 0;
  for (let x = 0; x < width; x++) {
    sum += (gray[x] as number) + (gray[(height - 1) * width + x] as number);
    n += 2;
  }
  for (let y = 1; y < height - 1; y++) {
    sum += (gray[y * width] as number) + (gray[y * width + width - 1] as number);
    n += 2;
  }
  return sum / n;
}

/**
 * Area-averaging resample of a crop to outW×outH (each output pixel averages the source area
 * it covers, sampled on a grid at least as fine as the source, with bilinear lookups), scaled by `gain`.
 */
function resample(
  src: Float32Array,
  srcWidth: number,
  x0: number,
  y0: number,
  cropW: number,
  cropH: number,
  outW: number,
  outH: number,
  gain: number,
): Float32Array {
  const out = new Float32Array(outW * outH);
  const sx = cropW / outW;
  const sy = cropH / outH;
  // Enough samples per output pixel to see every source pixel it covers (thin strokes survive).
  const taps = Math.min(32, Math.max(4, Math.ceil(Math.max(sx, sy))));
  const at = (x: number, y: number) => {
    const cx = Math.min(Math.max(x, 0), cropW - 1);
    const cy = Math.min(Math.max(y, 0), cropH - 1);
    const ix = Math.floor(cx);
    const iy = Math.floor(cy);
    const fx = cx - ix;
    const fy = cy - iy;
    const ix1 = Math.min(ix + 1, cropW - 1);
    const iy1 = Math.min(iy + 1, cropH - 1);
    const p = (xx: number, yy: number) => src[(y0 + yy) * srcWidth + x0 + xx] as number;
    return (
      (p(ix, iy) * (1 - fx) + p(ix1, iy) * fx) * (1 - fy) +
      (p(ix, iy1) * (1 - fx) + p(ix1, iy1) * fx) * fy
    );
  };
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      let sum = 0;
      for (let j = 0; j < taps; j++) {
        for (let i = 0; i < taps; i++) {
          sum += at((x + (i + 0.5) / taps) * sx - 0.5, (y + (j + 0.5) / taps) * sy - 0.5);
        }
      }
      out[y * outW + x] = (sum / (taps * taps)) * gain;
    }
  }
  return out;
}
