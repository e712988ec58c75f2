import { CoreError } from '../errors';

/** A size given as one number for both spatial axes or as `[height, width]`. */
export type Pair = number | readonly [number, number];

/** Normalises a `Pair` to `[h, w]`, checking both are positive integers. */
export function toPair(value: Pair, what: string): [number, number] {
  const pair: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `${what} must be a positive integer or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return pair;
}

/** A pair as PyTorch prints it: `(3, 3)`. */
export function pairRepr(pair: readonly [number, number]): string {
  return `(${pair[0]}, ${pair[1]})`;
}

/** A number as Python's `repr(float)` prints it: `0.1`, `1e-05`, `1.0`. */
export function pythonFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  if (x !== 0 && Math.abs(x) < 1e-4) {
    return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(x);
}

/** Checks that `value` is a positive integer. */
export function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new CoreError(
      'BAD_ARGUMENT',
      `${what} must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
