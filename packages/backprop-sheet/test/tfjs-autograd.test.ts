import { initBackend } from '@s4/core';
import { tf } from '@s4/core/tf';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_CONFIG,
  forward,
  gradients,
  type Network,
  networkOf,
  type Weights,
} from '../src/index';
import { seededRandom } from './random';

// An independent derivation: the same network in matrix form, differentiated by tfjs autograd
// (float32), against the hand-derived float64 chain rule.
const TOLERANCE = 1e-6;

function autograd(network: Network): { loss: number; grads: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor2d([[network.inputs[0]], [network.inputs[1]]]);
    const t = tf.tensor2d([[network.targets[0]], [network.targets[1]]]);
    const [b1, b2] = network.biases;
    const loss = (weights: tf.Tensor) => {
      const [hidden, output] = tf.split(weights, 2);
      const aHidden = tf.sigmoid(tf.add(tf.matMul(hidden!.reshape([2, 2]), x), b1));
      const aOutput = tf.sigmoid(tf.add(tf.matMul(output!.reshape([2, 2]), aHidden), b2));
      return tf.mul(0.5, tf.sum(tf.square(tf.sub(t, aOutput))));
    };
    const { value, grad } = tf.valueAndGrad(loss)(tf.tensor1d([...network.weights]));
    return { loss: value.dataSync()[0]!, grads: Array.from(grad.dataSync()) };
  });
}

function randomNetwork(random: () => number): Network {
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
  return {
    inputs: [uniform(-1, 1), uniform(-1, 1)],
    targets: [random(), random()],
    weights: Array.from({ length: 8 }, () => uniform(-2, 2)) as unknown as Weights,
    biases: [uniform(-1, 1), uniform(-1, 1)],
  };
}

describe.each(['cpu', 'wasm'] as const)(
  'gradients against tfjs autograd (%s backend, float32)',
  (backend) => {
    test('defaults and 100 random networks agree to 1e-6', async () => {
      await initBackend({ backend });
      expect(tf.getBackend()).toBe(backend);
      const random = seededRandom(2024);
      const networks = [
        networkOf(DEFAULT_CONFIG),
        ...Array.from({ length: 100 }, () => randomNetwork(random)),
      ];
      let worst = 0;
      for (const network of networks) {
        const reference = autograd(network);
        expect(Math.abs(reference.loss - forward(network).E_total)).toBeLessThanOrEqual(TOLERANCE);
        gradients(network).forEach((g, k) => {
          worst = Math.max(worst, Math.abs(g - reference.grads[k]!));
        });
      }
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
      // Not vacuous: the gradients are far from zero on these networks.
      expect(Math.max(...gradients(networks[0]!).map(Math.abs))).toBeGreaterThan(0.01);
    });
  },
);
