/**
 * A small seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32), shared by
 * every S4 package that shuffles, augments or drops out, so that one seed reproduces a run.
 * Its whole state is one uint32, which checkpoints save and restore.
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The generator's state; `new Rng(0).setState(s)` continues the same sequence. */
  getState(): number {
    return this.#state;
  }

  setState(state: number): this {
    this.#state = state >>> 0;
    return this;
  }

  /** Next 32-bit unsigned integer. */
  nextUint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * Advances the generator as `count` calls of `nextUint32` would, in O(1): mulberry32 is
   * counter-based (draw i hashes state + i·0x6d2b79f5), which lets kernels draw a whole mask
   * in parallel and then move the generator past it.
   */
  skip(count: number): this {
    this.#state = (this.#state + Math.imul(count >>> 0, 0x6d2b79f5)) >>> 0;
    return this;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /** A permutation of 0..n-1 as an Int32Array. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}
