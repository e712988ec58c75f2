import type { Rng } from '@s4/runtime';

/**
 * PyTorch's default initialisation for `Conv2d` and `Linear` weights:
 * `kaiming_uniform_(w, a=√5)`, i.e. U(−b, b) with b = gain·√(3 / fanIn) and
 * gain = √(2 / (1 + a²)), which for a = √5 is b = 1/√fanIn.
 */
export function kaimingUniform(
  rng: Rng,
  size: number,
  fanIn: number,
  a = Math.sqrt(5),
): Float32Array {
  const gain = Math.sqrt(2 / (1 + a * a));
  return uniformArray(rng, size, gain * Math.sqrt(3 / fanIn));
}

/** PyTorch's default bias initialisation for `Conv2d` and `Linear`: U(−1/√fanIn, 1/√fanIn). */
export function defaultBias(rng: Rng, size: number, fanIn: number): Float32Array {
  return uniformArray(rng, size, fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0);
}

/** `size` draws from U(−bound, bound). */
export function uniformArray(rng: Rng, size: number, bound: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}
