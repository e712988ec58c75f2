import { describe, expect, test } from 'vitest';
import { chainRule, DEFAULT_CONFIG, forward, gradients, networkOf } from '../src/index';
import { seededRandom } from './random';

describe('chainRule', () => {
  test('each weight’s three factors multiply to its gradient, on random networks', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const network = {
        inputs: [random() * 2 - 1, random() * 2 - 1] as const,
        targets: [random(), random()] as const,
        weights: Array.from({ length: 8 }, () => random() * 4 - 2) as never,
        biases: [random() - 0.5, random() - 0.5] as const,
      };
      const chains = chainRule(network);
      const expected = gradients(network);
      expect(chains.map((c) => c.weight)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8']);
      for (const [k, chain] of chains.entries()) {
        const product = chain.factors.reduce((p, f) => p * f.value, 1);
        expect(chain.gradient).toBe(product);
        expect(Math.abs(product - expected[k]!)).toBeLessThanOrEqual(
          1e-14 * Math.max(1e-3, Math.abs(expected[k]!)),
        );
      }
    }
  });

  test('names the factors of w5 and w1 as the guide writes them, with the default values', () => {
    const network = networkOf(DEFAULT_CONFIG);
    const pass = forward(network);
    const [w1, , , , w5] = chainRule(network, pass);
    expect(w5!.factors.map((f) => f.formula)).toEqual(['a_o1 − t1', 'a_o1·(1 − a_o1)', 'a_h1']);
    expect(w5!.factors.map((f) => f.value)).toEqual([
      pass.a_o1 - 0.01,
      pass.a_o1 * (1 - pass.a_o1),
      pass.a_h1,
    ]);
    expect(w5!.gradient.toPrecision(9)).toBe('0.0721570729');
    expect(w1!.factors.map((f) => f.derivative)).toEqual([
      '∂E_total/∂a_h1',
      '∂a_h1/∂h1',
      '∂h1/∂w1',
    ]);
    expect(w1!.factors[2]!.value).toBe(0.05);
    expect(w1!.gradient.toPrecision(9)).toBe('0.000188255667');
  });
});
