/**
 * Independent random streams derived from one seed. Every epoch's order and every batch's
 * augmentation get their own generator, seeded from (seed, stream, epoch, batch): any batch can
 * be prepared in any order, ahead of time or in a worker, and a resumed run needs no saved
 * data-RNG state to draw exactly what an uninterrupted run draws.
 */
export const STREAM_SHUFFLE = 1;
export const STREAM_AUGMENT = 2;

/** A well-mixed 32-bit seed from a base seed and integer coordinates (murmur3's finaliser). */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = fmix32(seed >>> 0);
  for (const part of parts) h = fmix32((h ^ fmix32((part >>> 0) + 0x9e3779b9)) >>> 0);
  return h;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
