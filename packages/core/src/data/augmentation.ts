import type { Rng } from '@s4/runtime';
import { CoreError } from '../errors';

/**
 * Random affine augmentation in the spirit of torchvision's `RandomAffine`/`RandomRotation`:
 * each image is rotated, scaled and shifted about its centre, sampled bilinearly, with a black
 * (0) background where the source has no pixel.
 */
export interface AugmentOptions {
  /** Maximum rotation in degrees; the angle is uniform in [−rotation, rotation]. */
  rotation?: number;
  /** Maximum shift as a fraction of the width/height (0.1 on 28 px → up to ±2.8 px). */
  translate?: number;
  /** Scale factor range [min, max], uniform. */
  scale?: readonly [number, number];
}

/** One image's transform: degrees counter-clockwise, scale factor, shift in pixels. */
export interface AffineParams {
  angle: number;
  scale: number;
  dx: number;
  dy: number;
}

/** Throws a BAD_ARGUMENT error naming the option unless `options` is usable. */
export function checkAugmentOptions(options: AugmentOptions): void {
  const { rotation = 0, translate = 0, scale = [1, 1] } = options;
  if (!(rotation >= 0 && rotation <= 180)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `augment.rotation: expected degrees in [0, 180], found ${rotation}`,
    );
  }
  if (!(translate >= 0 && translate < 1)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `augment.translate: expected a fraction in [0, 1), found ${translate}`,
    );
  }
  if (!(scale.length === 2 && scale[0] > 0 && scale[0] <= scale[1])) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `augment.scale: expected [min, max] with 0 < min <= max, found [${scale.join(', ')}]`,
    );
  }
}

/** Draws one image's transform; always four draws in a fixed order, so streams stay aligned. */
export function sampleAffine(
  rng: Rng,
  options: AugmentOptions,
  rows: number,
  cols: number,
): AffineParams {
  const rotation = options.rotation ?? 0;
  const translate = options.translate ?? 0;
  const [minScale, maxScale] = options.scale ?? [1, 1];
  return {
    angle: rng.uniform(-rotation, rotation),
    scale: rng.uniform(minScale, maxScale),
    dx: rng.uniform(-translate, translate) * cols,
    dy: rng.uniform(-translate, translate) * rows,
  };
}

/**
 * Writes the transformed image into `dst` (pixel values, 0–255 as floats). Each output pixel
 * looks up where it came from (the inverse transform) and interpolates its four neighbours;
 * neighbours outside the image count as black.
 */
export function affineTransformImage(
  src: Uint8Array,
  srcOffset: number,
  dst: Float32Array,
  dstOffset: number,
  rows: number,
  cols: number,
  params: AffineParams,
): void {
  const theta = (params.angle * Math.PI) / 180;
  const cos = Math.cos(theta) / params.scale;
  const sin = Math.sin(theta) / params.scale;
  const cx = (cols - 1) / 2;
  const cy = (rows - 1) / 2;
  for (let y = 0; y < rows; y++) {
    const oy = y - cy - params.dy;
    for (let x = 0; x < cols; x++) {
      const ox = x - cx - params.dx;
      // Inverse rotation (by −θ, in image coordinates with y pointing down) and scale.
      const sx = cos * ox - sin * oy + cx;
      const sy = sin * ox + cos * oy + cy;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      let p00: number;
      let p10: number;
      let p01: number;
      let p11: number;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < cols && y0 + 1 < rows) {
        // All four neighbours inside: direct reads (most pixels, and the hot path).
        const i = srcOffset + y0 * cols + x0;
        p00 = src[i]!;
        p10 = src[i + 1]!;
        p01 = src[i + cols]!;
        p11 = src[i + cols + 1]!;
      } else if (x0 < -1 || y0 < -1 || x0 >= cols || y0 >= rows) {
        dst[dstOffset + y * cols + x] = 0;
        continue;
      } else {
        p00 = pixelAt(src, srcOffset, rows, cols, x0, y0);
        p10 = pixelAt(src, srcOffset, rows, cols, x0 + 1, y0);
        p01 = pixelAt(src, srcOffset, rows, cols, x0, y0 + 1);
        p11 = pixelAt(src, srcOffset, rows, cols, x0 + 1, y0 + 1);
      }
      dst[dstOffset + y * cols + x] =
        (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
    }
  }
}

function pixelAt(
  src: Uint8Array,
  offset: number,
  rows: number,
  cols: number,
  x: number,
  y: number,
): number {
  return x < 0 || y < 0 || x >= cols || y >= rows ? 0 : src[offset + y * cols + x]!;
}
