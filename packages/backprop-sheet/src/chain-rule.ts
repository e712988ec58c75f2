import { type ForwardPass, forward, type Network } from './network';

/** One factor of a chain-rule product: the partial derivative it is and its value. */
export interface ChainFactor {
  /** `∂E_total/∂a_o1` */
  readonly derivative: string;
  /** `a_o1 − t1`: the factor written in the sheet's names. */
  readonly formula: string;
  readonly value: number;
}

/** ∂E_total/∂w for one weight, as the product of its three chain-rule factors. */
export interface WeightGradient {
  /** `w1` … `w8` */
  readonly weight: string;
  /** The three factors; their product is the gradient. */
  readonly factors: readonly [ChainFactor, ChainFactor, ChainFactor];
  readonly gradient: number;
}

/**
 * The chain rule of every weight, factor by factor, in the sheet's names (h = net input,
 * a_h = its sigmoid): ∂E/∂w = ∂E/∂a · ∂a/∂net · ∂net/∂w. The products equal `gradients` up to
 * rounding (the factors are multiplied in a different order).
 */
export function chainRule(
  network: Network,
  pass: ForwardPass = forward(network),
): WeightGradient[] {
  const [i1, i2] = network.inputs;
  const [t1, t2] = network.targets;
  const [, , , , w5, w6, w7, w8] = network.weights;
  const { a_h1, a_h2, a_o1, a_o2 } = pass;
  const outputs = [
    { unit: 'o1', a: a_o1, t: t1, target: 't1' },
    { unit: 'o2', a: a_o2, t: t2, target: 't2' },
  ] as const;
  const delta = outputs.map(({ a, t }) => (a - t) * a * (1 - a));
  const hidden = [
    { unit: 'h1', a: a_h1, back: delta[0]! * w5 + delta[1]! * w7, via: 'δo1·w5 + δo2·w7' },
    { unit: 'h2', a: a_h2, back: delta[0]! * w6 + delta[1]! * w8, via: 'δo1·w6 + δo2·w8' },
  ] as const;
  const inputs = [
    { name: 'i1', value: i1 },
    { name: 'i2', value: i2 },
  ] as const;
  const result: WeightGradient[] = [];
  // w1, w2 feed h1 from i1, i2; w3, w4 feed h2.
  for (const [h, unit] of hidden.entries()) {
    for (const [i, input] of inputs.entries()) {
      result.push(
        gradientOf(`w${1 + 2 * h + i}`, [
          { derivative: `∂E_total/∂a_${unit.unit}`, formula: unit.via, value: unit.back },
          {
            derivative: `∂a_${unit.unit}/∂${unit.unit}`,
            formula: `a_${unit.unit}·(1 − a_${unit.unit})`,
            value: unit.a * (1 - unit.a),
          },
          {
            derivative: `∂${unit.unit}/∂w${1 + 2 * h + i}`,
            formula: input.name,
            value: input.value,
          },
        ]),
      );
    }
  }
  // w5, w6 feed o1 from a_h1, a_h2; w7, w8 feed o2.
  for (const [o, out] of outputs.entries()) {
    for (const [h, unit] of hidden.entries()) {
      const weight = `w${5 + 2 * o + h}`;
      result.push(
        gradientOf(weight, [
          {
            derivative: `∂E_total/∂a_${out.unit}`,
            formula: `a_${out.unit} − ${out.target}`,
            value: out.a - out.t,
          },
          {
            derivative: `∂a_${out.unit}/∂${out.unit}`,
            formula: `a_${out.unit}·(1 − a_${out.unit})`,
            value: out.a * (1 - out.a),
          },
          { derivative: `∂${out.unit}/∂${weight}`, formula: `a_${unit.unit}`, value: unit.a },
        ]),
      );
    }
  }
  return result;
}

function gradientOf(
  weight: string,
  factors: [ChainFactor, ChainFactor, ChainFactor],
): WeightGradient {
  return { weight, factors, gradient: factors[0].value * factors[1].value * factors[2].value };
}
