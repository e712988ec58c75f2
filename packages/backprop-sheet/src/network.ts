/** Eight weights w1…w8: w1–w4 input → hidden, w5–w8 hidden → output. */
export type Weights = readonly [number, number, number, number, number, number, number, number];

/** The 2-2-2 sigmoid network with its training example. */
export interface Network {
  /** i1, i2 */
  readonly inputs: readonly [number, number];
  /** t1, t2 */
  readonly targets: readonly [number, number];
  readonly weights: Weights;
  /** b1 (hidden layer), b2 (output layer): one shared bias per layer, held fixed; 0 = no bias. */
  readonly biases: readonly [number, number];
}

/** Everything the forward pass computes, named as in the sheet. */
export interface ForwardPass {
  readonly h1: number;
  readonly a_h1: number;
  readonly h2: number;
  readonly a_h2: number;
  readonly o1: number;
  readonly a_o1: number;
  readonly o2: number;
  readonly a_o2: number;
  readonly E1: number;
  readonly E2: number;
  readonly E_total: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

// Every expression below is written in the same order as the spreadsheet formulas in xlsx.ts, so
// the TypeScript engine and a spreadsheet engine round the same way.
export function forward(network: Network): ForwardPass {
  const [i1, i2] = network.inputs;
  const [t1, t2] = network.targets;
  const [w1, w2, w3, w4, w5, w6, w7, w8] = network.weights;
  const [b1, b2] = network.biases;
  const h1 = w1 * i1 + w2 * i2 + b1;
  const a_h1 = sigmoid(h1);
  const h2 = w3 * i1 + w4 * i2 + b1;
  const a_h2 = sigmoid(h2);
  const o1 = w5 * a_h1 + w6 * a_h2 + b2;
  const a_o1 = sigmoid(o1);
  const o2 = w7 * a_h1 + w8 * a_h2 + b2;
  const a_o2 = sigmoid(o2);
  // (t − a)·(t − a) rather than a power: exact in every engine.
  const E1 = 0.5 * (t1 - a_o1) * (t1 - a_o1);
  const E2 = 0.5 * (t2 - a_o2) * (t2 - a_o2);
  return { h1, a_h1, h2, a_h2, o1, a_o1, o2, a_o2, E1, E2, E_total: E1 + E2 };
}

/** ∂E_total/∂w1…∂w8 by the chain rule, at the network's current weights. */
export function gradients(network: Network, pass: ForwardPass = forward(network)): Weights {
  const [i1, i2] = network.inputs;
  const [t1, t2] = network.targets;
  const [, , , , w5, w6, w7, w8] = network.weights;
  const { a_h1, a_h2, a_o1, a_o2 } = pass;
  return [
    ((a_o1 - t1) * a_o1 * (1 - a_o1) * w5 + (a_o2 - t2) * a_o2 * (1 - a_o2) * w7) *
      a_h1 *
      (1 - a_h1) *
      i1,
    ((a_o1 - t1) * a_o1 * (1 - a_o1) * w5 + (a_o2 - t2) * a_o2 * (1 - a_o2) * w7) *
      a_h1 *
      (1 - a_h1) *
      i2,
    ((a_o1 - t1) * a_o1 * (1 - a_o1) * w6 + (a_o2 - t2) * a_o2 * (1 - a_o2) * w8) *
      a_h2 *
      (1 - a_h2) *
      i1,
    ((a_o1 - t1) * a_o1 * (1 - a_o1) * w6 + (a_o2 - t2) * a_o2 * (1 - a_o2) * w8) *
      a_h2 *
      (1 - a_h2) *
      i2,
    (a_o1 - t1) * a_o1 * (1 - a_o1) * a_h1,
    (a_o1 - t1) * a_o1 * (1 - a_o1) * a_h2,
    (a_o2 - t2) * a_o2 * (1 - a_o2) * a_h1,
    (a_o2 - t2) * a_o2 * (1 - a_o2) * a_h2,
  ];
}

/** One gradient-descent step: w ← w − η·∂E/∂w for all eight weights at once (biases fixed). */
export function step(network: Network, learningRate: number, grads = gradients(network)): Network {
  const weights = network.weights.map((w, k) => w - learningRate * grads[k]!) as unknown as Weights;
  return { ...network, weights };
}
