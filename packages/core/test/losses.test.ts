import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { crossEntropyLoss, nllLoss, nllPerExample } from '../src/losses';
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

    it('names mismatched shapes', () => {
      tf.tidy(() => {
        expect(() => nllLoss(tf.zeros([4, 10]), tf.zeros([3], 'int32'))).toThrow(
          /expected scores \[batch, classes\] and labels \[batch\], got \[4, 10\] and \[3\]/,
        );
      });
    });
  });
}
