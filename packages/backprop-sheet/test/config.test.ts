import { describe, expect, test } from 'vitest';
import { BackpropInputError, DEFAULT_CONFIG, MAX_ITERATIONS, resolveConfig } from '../src/index';

function errorOf(run: () => unknown): BackpropInputError {
  try {
    run();
  } catch (error) {
    if (error instanceof BackpropInputError) return error;
    throw error;
  }
  throw new Error('expected a BackpropInputError');
}

describe('resolveConfig', () => {
  test('fills in the course defaults', () => {
    expect(resolveConfig()).toEqual(DEFAULT_CONFIG);
    expect(resolveConfig({ iterations: 5 }).iterations).toBe(5);
  });

  test.each([
    [{ iterations: 0 }, 'iterations', 'a whole number from 1', '0'],
    [{ iterations: -3 }, 'iterations', 'a whole number from 1', '-3'],
    [{ iterations: 2.5 }, 'iterations', 'a whole number from 1', '2.5'],
    [{ iterations: MAX_ITERATIONS + 1 }, 'iterations', `to ${MAX_ITERATIONS}`, '10001'],
    [{ learningRates: [0.1, 0] }, 'learningRates', 'rates > 0', '0'],
    [{ learningRates: [-1] }, 'learningRates', 'rates > 0', '-1'],
    [{ learningRates: [] }, 'learningRates', '1 to 20 learning rates', '0 value(s)'],
    [{ learningRates: [0.5, 0.5] }, 'learningRates', 'distinct rates', '[0.5, 0.5]'],
    [{ learningRates: [0.5, Number.NaN] }, 'learningRates[1]', 'a finite number', 'NaN'],
    [{ weights: [0.1, 0.2, 0.3] as never }, 'weights', '8 numbers', '3 value(s)'],
    [{ inputs: [0.1, Infinity] as never }, 'inputs[1]', 'a finite number', 'Infinity'],
    [{ targets: [1] as never }, 'targets', '2 numbers', '1 value(s) [1]'],
    [{ biases: [0.35, 0.6, 1] as never }, 'biases', '2 numbers', '3 value(s)'],
  ])('rejects %j naming %s', (input, argument, expected, found) => {
    const error = errorOf(() => resolveConfig(input));
    expect(error.argument).toBe(argument);
    expect(error.expected).toContain(expected);
    expect(error.found).toContain(found);
    expect(error.message).toBe(
      `${error.argument}: expected ${error.expected}, found ${error.found}`,
    );
  });
});
