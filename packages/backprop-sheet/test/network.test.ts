import { describe, expect, test } from 'vitest';
import {
  DEFAULT_CONFIG,
  forward,
  gradients,
  iterate,
  type Network,
  networkOf,
  resolveConfig,
  runBackprop,
  step,
  type Weights,
} from '../src/index';
import { seededRandom } from './random';

const defaults = networkOf(DEFAULT_CONFIG);

function withWeight(network: Network, k: number, delta: number): Network {
  const weights = [...network.weights] as number[];
  weights[k]! += delta;
  return { ...network, weights: weights as unknown as Weights };
}

/** Central finite differences of E_total, one weight at a time. */
function numericGradients(network: Network, h = 1e-6): number[] {
  return network.weights.map(
    (_, k) =>
      (forward(withWeight(network, k, h)).E_total - forward(withWeight(network, k, -h)).E_total) /
      (2 * h),
  );
}

function randomNetwork(random: () => number, withBiases: boolean): Network {
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
  return {
    inputs: [uniform(-1, 1), uniform(-1, 1)],
    targets: [random(), random()],
    weights: Array.from({ length: 8 }, () => uniform(-2, 2)) as unknown as Weights,
    biases: withBiases ? [uniform(-1, 1), uniform(-1, 1)] : [0, 0],
  };
}

describe('the course network', () => {
  test('E_total at iteration 0 with the defaults is 0.242519857', () => {
    expect(forward(defaults).E_total.toFixed(9)).toBe('0.242519857');
  });

  test('with b1 = 0.35, b2 = 0.60: E_total = 0.298371109, then w5 = 0.35891648 after η = 0.5', () => {
    const network = networkOf(resolveConfig({ biases: [0.35, 0.6] }));
    expect(forward(network).E_total.toFixed(9)).toBe('0.298371109');
    const next = step(network, 0.5);
    expect(next.weights[4].toFixed(8)).toBe('0.35891648');
    // The rest of that worked example's first step.
    expect(next.weights[5].toFixed(8)).toBe('0.40866619');
    expect(next.weights[6].toFixed(8)).toBe('0.51130127');
    expect(next.weights[7].toFixed(8)).toBe('0.56137012');
    expect(next.weights[0].toFixed(8)).toBe('0.14978072');
    expect(next.weights[1].toFixed(8)).toBe('0.19956143');
    expect(next.weights[2].toFixed(8)).toBe('0.24975114');
    expect(next.weights[3].toFixed(8)).toBe('0.29950229');
    expect(next.biases).toEqual([0.35, 0.6]);
  });
});

describe('gradients against central finite differences (≤ 1e-9)', () => {
  test('defaults', () => {
    const analytic = gradients(defaults);
    numericGradients(defaults).forEach((numeric, k) => {
      expect(Math.abs(analytic[k]! - numeric), `dE_dw${k + 1}`).toBeLessThanOrEqual(1e-9);
    });
  });

  test.each([false, true])('200 random networks (biases: %s)', (withBiases) => {
    const random = seededRandom(withBiases ? 7 : 42);
    let worst = 0;
    for (let n = 0; n < 200; n++) {
      const network = randomNetwork(random, withBiases);
      const analytic = gradients(network);
      numericGradients(network).forEach((numeric, k) => {
        worst = Math.max(worst, Math.abs(analytic[k]! - numeric));
      });
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
  });
});

describe('training rows', () => {
  const rows = iterate(defaults, 0.5, 100);

  test('rows 0…iterations, each row the previous one stepped', () => {
    expect(rows).toHaveLength(101);
    expect(rows.map((r) => r.iteration)).toEqual(Array.from({ length: 101 }, (_, k) => k));
    for (let k = 1; k < rows.length; k++) {
      const before = rows[k - 1]!;
      const after = rows[k]!;
      for (const w of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
        const weight = `w${w}` as const;
        const gradient = `dE_dw${w}` as const;
        expect(after[weight]).toBe(before[weight] - 0.5 * before[gradient]);
      }
      expect(after.E_total).toBeLessThan(before.E_total);
    }
  });

  test("a row's values are the forward pass and gradients of that row's weights", () => {
    const row = rows[37]!;
    const network: Network = {
      inputs: [row.i1, row.i2],
      targets: [row.t1, row.t2],
      weights: [row.w1, row.w2, row.w3, row.w4, row.w5, row.w6, row.w7, row.w8],
      biases: [0, 0],
    };
    const pass = forward(network);
    expect(row.E_total).toBe(pass.E_total);
    expect(row.E1 + row.E2).toBe(row.E_total);
    expect(row.a_o2).toBe(pass.a_o2);
    expect(gradients(network)).toEqual([
      row.dE_dw1,
      row.dE_dw2,
      row.dE_dw3,
      row.dE_dw4,
      row.dE_dw5,
      row.dE_dw6,
      row.dE_dw7,
      row.dE_dw8,
    ]);
  });

  test('one run per rate from the same start; larger rates end lower on this problem', () => {
    const runs = runBackprop(DEFAULT_CONFIG);
    expect(runs.map((r) => r.learningRate)).toEqual([0.1, 0.2, 0.5, 0.8, 1, 2]);
    const finals = runs.map((r) => r.rows[100]!.E_total);
    for (const run of runs) expect(run.rows[0]!.E_total).toBe(runs[0]!.rows[0]!.E_total);
    expect([...finals].sort((a, b) => b - a)).toEqual(finals);
  });
});
