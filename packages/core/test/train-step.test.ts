import type { MnistData } from '@s4/mnist-data';
import { Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { prepareEvalBatch } from '../src/data/batches';
import { batchToTensors } from '../src/data/to-tensors';
import { CoreError } from '../src/errors';
import { Flatten } from '../src/nn/flatten';
import { Linear } from '../src/nn/linear';
import { LogSoftmax } from '../src/nn/log-softmax';
import { Sequential } from '../src/nn/sequential';
import { SGD } from '../src/optim/sgd';
import {
  applyGradients,
  computeGradients,
  disposeGradients,
  lossKindFor,
  trainStep,
} from '../src/train-step';
import { loadSubset } from './mnist';
import { tinyNet } from './train-helpers';

let train: MnistData;

beforeAll(async () => {
  train = await loadSubset('train', 64);
});

/** Softmax regression: its gradient has a closed form to check against. */
function softmaxRegression(withLogSoftmax: boolean): Sequential {
  const layers = [new Flatten(), new Linear(784, 10, { rng: new Rng(5) })];
  return new Sequential(...layers, ...(withLogSoftmax ? [new LogSoftmax()] : []));
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`computeGradients on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    it('gives the closed-form gradient of softmax regression on a real batch', () => {
      const model = softmaxRegression(true);
      const batch = prepareEvalBatch(train, 0, 32);
      const { x, y } = batchToTensors(batch);
      const before = tf.memory().numTensors;
      const { loss, correct, size, grads } = computeGradients(model, x, y);
      expect([...grads.keys()]).toEqual(['1.weight', '1.bias']);
      // dL/dW[i][o] = mean_b x[b][i]·(p[b][o] − [o = y_b]), in float64.
      const w = model.namedParameters()[0]![1].dataSync();
      const b = model.namedParameters()[1]![1].dataSync();
      const expectedW = new Float64Array(784 * 10);
      const expectedB = new Float64Array(10);
      let expectedLoss = 0;
      let expectedCorrect = 0;
      for (let n = 0; n < 32; n++) {
        const logits = Array.from({ length: 10 }, (_, o) => {
          let z = b[o]!;
          for (let i = 0; i < 784; i++) z += batch.x[n * 784 + i]! * w[i * 10 + o]!;
          return z;
        });
        const max = Math.max(...logits);
        const exps = logits.map((z) => Math.exp(z - max));
        const total = exps.reduce((s, e) => s + e, 0);
        const label = batch.labels[n]!;
        expectedLoss -= Math.log(exps[label]! / total) / 32;
        if (logits.indexOf(max) === label) expectedCorrect++;
        for (let o = 0; o < 10; o++) {
          const delta = (exps[o]! / total - (o === label ? 1 : 0)) / 32;
          expectedB[o]! += delta;
          for (let i = 0; i < 784; i++) expectedW[i * 10 + o]! += batch.x[n * 784 + i]! * delta;
        }
      }
      expect(loss).toBeCloseTo(expectedLoss, 4);
      expect(correct).toBe(expectedCorrect);
      expect(size).toBe(32);
      const gw = grads.get('1.weight')!.dataSync();
      const gb = grads.get('1.bias')!.dataSync();
      const scale = Math.max(...Array.from(expectedW, Math.abs));
      for (let k = 0; k < gw.length; k++)
        expect(Math.abs(gw[k]! - expectedW[k]!)).toBeLessThan(1e-4 * scale);
      for (let o = 0; o < 10; o++) expect(gb[o]).toBeCloseTo(expectedB[o]!, 5);
      disposeGradients(grads);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y]);
      model.dispose();
    });

    it('cross-entropy on logits equals NLL after LogSoftmax', () => {
      const withLs = softmaxRegression(true);
      const withoutLs = softmaxRegression(false);
      expect(lossKindFor(withLs)).toBe('nll');
      expect(lossKindFor(withoutLs)).toBe('cross-entropy');
      const { x, y } = batchToTensors(prepareEvalBatch(train, 32, 32));
      const a = computeGradients(withLs, x, y);
      const b = computeGradients(withoutLs, x, y);
      expect(b.loss).toBeCloseTo(a.loss, 5);
      const ga = a.grads.get('1.weight')!.dataSync();
      const gb = b.grads.get('1.weight')!.dataSync();
      for (let k = 0; k < ga.length; k++) expect(gb[k]).toBeCloseTo(ga[k]!, 6);
      disposeGradients(a.grads);
      disposeGradients(b.grads);
      tf.dispose([x, y]);
      withLs.dispose();
      withoutLs.dispose();
    });

    it('gradients averaged over two half batches equal the full batch gradient (data parallel)', () => {
      const model = softmaxRegression(true);
      const full = batchToTensors(prepareEvalBatch(train, 0, 64));
      const left = batchToTensors(prepareEvalBatch(train, 0, 32));
      const right = batchToTensors(prepareEvalBatch(train, 32, 32));
      const g = computeGradients(model, full.x, full.y);
      const g1 = computeGradients(model, left.x, left.y);
      const g2 = computeGradients(model, right.x, right.y);
      const averaged = tf.tidy(() =>
        tf.div(tf.add(g1.grads.get('1.weight')!, g2.grads.get('1.weight')!), 2),
      );
      expect(tf.max(tf.abs(tf.sub(averaged, g.grads.get('1.weight')!))).dataSync()[0]).toBeLessThan(
        1e-6,
      );
      expect((g1.loss + g2.loss) / 2).toBeCloseTo(g.loss, 5);
      for (const r of [g, g1, g2]) disposeGradients(r.grads);
      tf.dispose([full.x, full.y, left.x, left.y, right.x, right.y, averaged]);
      model.dispose();
    });

    it('a train step on a CNN lowers the loss on the same batch and leaks nothing', () => {
      const model = tinyNet(2);
      model.eval(); // no dropout noise: compare like with like
      const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9 });
      // tfjs's cpu conv filter gradient is a slow loop: a smaller batch there.
      const { x, y } = batchToTensors(prepareEvalBatch(train, 0, backend === 'cpu' ? 16 : 64));
      const first = trainStep(model, optimizer, x, y);
      const before = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 5; i++) last = trainStep(model, optimizer, x, y);
      expect(tf.memory().numTensors).toBe(before);
      expect(last.loss).toBeLessThan(first.loss);
      const { grads } = computeGradients(model, x, y);
      applyGradients(optimizer, grads);
      expect(grads.size).toBe(0);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    });
  });
}

describe('trainStep guard', () => {
  it('refuses to apply a non-finite loss and leaves the weights untouched', async () => {
    await initBackend({ backend: 'cpu' });
    const model = softmaxRegression(true);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.1 });
    const bad = new Float32Array(784 * 4).fill(Number.NaN);
    const x = tf.tensor4d(bad, [4, 28, 28, 1]);
    const y = tf.tensor1d([1, 2, 3, 4], 'int32');
    const weightsBefore = Array.from(model.parameters()[0]!.dataSync());
    expect(() => trainStep(model, optimizer, x, y)).toThrow(CoreError);
    expect(Array.from(model.parameters()[0]!.dataSync())).toEqual(weightsBefore);
    tf.dispose([x, y]);
    model.dispose();
  });
});
