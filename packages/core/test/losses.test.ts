import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import {
  crossEntropyLoss,
  lossFunction,
  nllLoss,
  nllPerExample,
  smoothedNllPerExample,
} from '../src/losses';
import { torchReference } from './torch-reference';

const ref = torchReference.losses;

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`losses match torch.nn.functional on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    it('cross_entropy on logits: value and gradient', () => {
      const before = tf.memory().numTensors;
      const logits = tf.tensor2d(ref.logits);
      const labels = tf.tensor1d(ref.labels, 'int32');
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor) => crossEntropyLoss(x, labels))([
        logits,
      ]);
      expect(value.dataSync()[0]).toBeCloseTo(ref.crossEntropy, 5);
      const grad = grads[0]!.arraySync() as number[][];
      grad.forEach((row, i) => {
        row.forEach((g, j) => {
          expect(g).toBeCloseTo(ref.crossEntropyGrad[i]![j]!, 6);
        });
      });
      tf.dispose([logits, labels, value, ...grads]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('nll_loss on log-probabilities, mean and per example', () => {
      tf.tidy(() => {
        const logProbs = tf.logSoftmax(tf.tensor2d(ref.logits));
        const labels = tf.tensor1d(ref.labels, 'int32');
        expect(nllLoss(logProbs, labels).dataSync()[0]).toBeCloseTo(ref.nll, 5);
        Array.from(nllPerExample(logProbs, labels).dataSync()).forEach((v, i) => {
          expect(v).toBeCloseTo(ref.perExample[i]!, 5);
        });
      });
    });

    it('label smoothing: a hand-computed value', () => {
      tf.tidy(() => {
        // p = (0.25, 0.75), label 1, ε = 0.2: 0.8·(−ln 0.75) + 0.2·(−ln 0.25 − ln 0.75)/2.
        const logProbs = tf.log(tf.tensor2d([[0.25, 0.75]]));
        const labels = tf.tensor1d([1], 'int32');
        const expected = 0.8 * -Math.log(0.75) + (0.2 * (-Math.log(0.25) - Math.log(0.75))) / 2;
        expect(expected).toBeCloseTo(0.397543, 6);
        expect(smoothedNllPerExample(logProbs, labels, 0.2).dataSync()[0]).toBeCloseTo(expected, 5);
        expect(lossFunction('nll', logProbs, labels, 0.2).dataSync()[0]).toBeCloseTo(expected, 5);
      });
    });

    it('label smoothing on logits: CrossEntropyLoss(label_smoothing=0.1) by its definition', () => {
      // PyTorch's documented target (1 − ε)·one-hot + ε/C, in float64 from the fixture's logits.
      const epsilon = 0.1;
      const expected =
        ref.logits
          .map((row, i) => {
            const max = Math.max(...row);
            const logSum = max + Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
            const logProbs = row.map((v) => v - logSum);
            const target = (c: number) =>
              (c === ref.labels[i] ? 1 - epsilon : 0) + epsilon / row.length;
            return -logProbs.reduce((sum, lp, c) => sum + target(c) * lp, 0);
          })
          .reduce((a, b) => a + b, 0) / ref.logits.length;
      tf.tidy(() => {
        const logits = tf.tensor2d(ref.logits);
        const labels = tf.tensor1d(ref.labels, 'int32');
        expect(lossFunction('cross-entropy', logits, labels, epsilon).dataSync()[0]).toBeCloseTo(
          expected,
          5,
        );
        // ε = 0 is the plain loss.
        expect(lossFunction('cross-entropy', logits, labels, 0).dataSync()[0]).toBeCloseTo(
          ref.crossEntropy,
          5,
        );
      });
    });

    it('label smoothing outside [0, 1) is a typed error naming it', () => {
      tf.tidy(() => {
        const logProbs = tf.log(tf.tensor2d([[0.25, 0.75]]));
        const labels = tf.tensor1d([1], 'int32');
        expect(() => smoothedNllPerExample(logProbs, labels, 1)).toThrow(
          /labelSmoothing: expected a number in \[0, 1\), found 1/,
        );
        expect(() => lossFunction('nll', logProbs, labels, -0.1)).toThrow(/found -0.1/);
      });
    });

    it('names mismatched shapes', () => {
      tf.tidy(() => {
        expect(() => nllLoss(tf.zeros([4, 10]), tf.zeros([3], 'int32'))).toThrow(
          /expected scores \[batch, classes\] and labels \[batch\], got \[4, 10\] and \[3\]/,
        );
      });
    });
  });
}
