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
