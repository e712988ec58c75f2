/**
 * A well-mixed 32-bit seed from a base seed and integer coordinates (murmur3's finaliser):
 * independent random streams from one seed, e.g. one per (seed, stream, epoch, batch).
 */
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
