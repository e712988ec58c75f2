import { BackpropInputError } from './errors';
import type { Weights } from './network';

/** Everything one run of the exercise needs: the network, its example and the learning rates. */
export interface BackpropConfig {
  readonly learningRates: readonly number[];
  /** Gradient steps per learning rate; the table has rows 0…iterations (iterations + 1 rows). */
  readonly iterations: number;
  readonly inputs: readonly [number, number];
  readonly targets: readonly [number, number];
  readonly weights: Weights;
  /** b1, b2; [0, 0] is the bias-free network of the course. */
  readonly biases: readonly [number, number];
}

/** The course's standard exercise. */
export const DEFAULT_CONFIG: BackpropConfig = {
  learningRates: [0.1, 0.2, 0.5, 0.8, 1, 2],
  iterations: 100,
  inputs: [0.05, 0.1],
  targets: [0.01, 0.99],
  weights: [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55],
  biases: [0, 0],
};

/** A workbook sheet per rate and ~32 cells per row: beyond this the xlsx stops being readable. */
export const MAX_ITERATIONS = 10_000;
export const MAX_LEARNING_RATES = 20;

function describe(value: unknown): string {
  if (Array.isArray(value)) return `${value.length} value(s) [${value.join(', ')}]`;
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function finiteList(name: string, value: unknown, length?: number): number[] {
  const what = length === undefined ? 'a list of numbers' : `${length} numbers`;
  if (!Array.isArray(value)) throw new BackpropInputError(name, what, describe(value));
  if (length !== undefined && value.length !== length) {
    throw new BackpropInputError(name, what, describe(value));
  }
  value.forEach((x, k) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new BackpropInputError(`${name}[${k}]`, 'a finite number', describe(x));
    }
  });
  return value as number[];
}

/**
 * Fills in defaults and checks every field, throwing BackpropInputError on the first bad one;
 * callers validate before writing anything.
 */
export function resolveConfig(partial: Partial<BackpropConfig> = {}): BackpropConfig {
  const merged = { ...DEFAULT_CONFIG, ...partial };
  const learningRates = finiteList('learningRates', merged.learningRates);
  if (learningRates.length === 0 || learningRates.length > MAX_LEARNING_RATES) {
    throw new BackpropInputError(
      'learningRates',
      `1 to ${MAX_LEARNING_RATES} learning rates`,
      describe(learningRates),
    );
  }
  for (const rate of learningRates) {
    if (rate <= 0) throw new BackpropInputError('learningRates', 'rates > 0', String(rate));
  }
  if (new Set(learningRates).size !== learningRates.length) {
    throw new BackpropInputError('learningRates', 'distinct rates', describe(learningRates));
  }
  const { iterations } = merged;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new BackpropInputError(
      'iterations',
      `a whole number from 1 to ${MAX_ITERATIONS}`,
      describe(iterations),
    );
  }
  return {
    learningRates: [...learningRates],
    iterations,
    inputs: finiteList('inputs', merged.inputs, 2) as unknown as [number, number],
    targets: finiteList('targets', merged.targets, 2) as unknown as [number, number],
    weights: finiteList('weights', merged.weights, 8) as unknown as Weights,
    biases: finiteList('biases', merged.biases, 2) as unknown as [number, number],
  };
}
