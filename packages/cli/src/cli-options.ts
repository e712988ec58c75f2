import { InvalidArgumentError } from 'commander';

/** Commander parser for an integer ≥ `min` (bad values exit with code 2 and a clear message). */
export function integerAtLeast(min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}, found "${value}"`);
    }
    return n;
  };
}

/** Commander parser for an integer in `[min, max]`; `why` says where the upper bound comes from. */
export function integerBetween(min: number, max: number, why: string): (value: string) => number {
  const atLeast = integerAtLeast(min);
  return (value: string) => {
    const n = atLeast(value);
    if (n > max) {
      throw new InvalidArgumentError(`expected an integer ≤ ${max} (${why}), found "${value}"`);
    }
    return n;
  };
}

/** Commander parser for a finite number > 0. */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0, found "${value}"`);
  }
  return n;
}

/** Commander parser for one of `choices`. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, found "${value}"`);
    }
    return value as T;
  };
}

/** Commander parser for a comma-separated list of distinct integer seeds ≥ 0 (`1,2,3`). */
export function seedList(value: string): number[] {
  const parts = value.split(',').map((part) => part.trim());
  const seeds = parts.map(Number);
  if (parts.some((p) => p === '') || !seeds.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new InvalidArgumentError(
      `expected comma-separated integers ≥ 0 like 1,2,3, found "${value}"`,
    );
  }
  if (new Set(seeds).size !== seeds.length) {
    throw new InvalidArgumentError(`expected distinct seeds, found "${value}"`);
  }
  return seeds;
}

/** Commander parser for a comma-separated list of distinct integers ≥ `min` (`128,256,1000`). */
export function integerList(min: number): (value: string) => number[] {
  const one = integerAtLeast(min);
  return (value: string) => {
    const parts = value.split(',').map((part) => part.trim());
    let numbers: number[];
    try {
      numbers = parts.map(one);
    } catch {
      throw new InvalidArgumentError(
        `expected comma-separated integers ≥ ${min} like 128,256, found "${value}"`,
      );
    }
    if (new Set(numbers).size !== numbers.length) {
      throw new InvalidArgumentError(`expected distinct values, found "${value}"`);
    }
    return numbers;
  };
}
