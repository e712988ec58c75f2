import type { IterationRow } from './columns';
import type { BackpropConfig } from './config';
import { forward, gradients, type Network, step } from './network';

/** One learning rate's table. */
export interface BackpropRun {
  readonly learningRate: number;
  /** Rows 0…iterations; row k holds the weights after k steps and their gradients. */
  readonly rows: readonly IterationRow[];
}

export function networkOf(config: BackpropConfig): Network {
  const { inputs, targets, weights, biases } = config;
  return { inputs, targets, weights, biases };
}

/** Trains one copy of the network at one rate, recording a row before every step and after the last. */
export function iterate(
  network: Network,
  learningRate: number,
  iterations: number,
): IterationRow[] {
  const rows: IterationRow[] = [];
  let current = network;
  for (let iteration = 0; iteration <= iterations; iteration++) {
    const pass = forward(current);
    const grads = gradients(current, pass);
    const [t1, t2] = current.targets;
    const [i1, i2] = current.inputs;
    const [w1, w2, w3, w4, w5, w6, w7, w8] = current.weights;
    const [dE_dw1, dE_dw2, dE_dw3, dE_dw4, dE_dw5, dE_dw6, dE_dw7, dE_dw8] = grads;
    rows.push({
      iteration,
      t1,
      t2,
      i1,
      i2,
      w1,
      w2,
      w3,
      w4,
      h1: pass.h1,
      a_h1: pass.a_h1,
      h2: pass.h2,
      a_h2: pass.a_h2,
      w5,
      w6,
      w7,
      w8,
      o1: pass.o1,
      a_o1: pass.a_o1,
      o2: pass.o2,
      a_o2: pass.a_o2,
      E1: pass.E1,
      E2: pass.E2,
      E_total: pass.E_total,
      dE_dw1,
      dE_dw2,
      dE_dw3,
      dE_dw4,
      dE_dw5,
      dE_dw6,
      dE_dw7,
      dE_dw8,
    });
    current = step(current, learningRate, grads);
  }
  return rows;
}

/** The whole exercise: one run per learning rate, each from the same initial weights. */
export function runBackprop(config: BackpropConfig): BackpropRun[] {
  const network = networkOf(config);
  return config.learningRates.map((learningRate) => ({
    learningRate,
    rows: iterate(network, learningRate, config.iterations),
  }));
}
