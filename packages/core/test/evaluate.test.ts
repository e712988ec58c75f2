import type { MnistData } from '@s4/mnist-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { prepareEvalBatch } from '../src/data/batches';
import { batchToTensors } from '../src/data/to-tensors';
import { evaluate } from '../src/evaluate';
import { fit } from '../src/fit';
import { SGD } from '../src/optim/sgd';
import { loadSubset } from './mnist';
import { tinyNet } from './train-helpers';

let train: MnistData;
let test: MnistData;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  train = await loadSubset('train', 512);
  test = await loadSubset('test', 300);
});

describe('evaluate (wasm)', () => {
  it('agrees with one full forward pass computed by hand', async () => {
    const model = tinyNet(6);
    const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9 });
    await fit(model, train, { epochs: 1, batchSize: 32, optimizer, seed: 1 });
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await evaluate(model, test, {
      batchSize: 64,
      onProgress: (done) => progress.push(done),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(model.training).toBe(true); // fit left it training; evaluate restored that
    expect(progress).toEqual([64, 128, 192, 256, 300]);

    // Reference: all 300 images at once, eval mode, log-probabilities read back to JS.
    model.eval();
    const { x, y } = batchToTensors(prepareEvalBatch(test, 0, 300));
    const logProbs = tf.tidy(() => model.forward(x)).arraySync() as number[][];
    model.train();
    tf.dispose([x, y]);
    let loss = 0;
    const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    const misclassified: number[] = [];
    logProbs.forEach((row, i) => {
      const label = test.labels[i]!;
      const predicted = row.indexOf(Math.max(...row));
      loss -= row[label]! / 300;
      confusion[label]![predicted]! += 1;
      if (predicted !== label) misclassified.push(i);
    });
    expect(result.total).toBe(300);
    expect(result.correct).toBe(300 - misclassified.length);
    expect(result.accuracy).toBeCloseTo((300 - misclassified.length) / 300, 12);
    expect(result.accuracy).toBeGreaterThan(0.5); // it learned something: the numbers mean it
    expect(result.loss).toBeCloseTo(loss, 4);
    expect(result.confusion).toEqual(confusion);
    expect(result.misclassified).toEqual(misclassified);
    result.perClassAccuracy.forEach((acc, c) => {
      const row = confusion[c]!;
      expect(acc).toBeCloseTo(row[c]! / row.reduce((a, b) => a + b, 0), 12);
    });
    expect(Array.from(result.predictions.subarray(0, 5))).toEqual(
      logProbs.slice(0, 5).map((row) => row.indexOf(Math.max(...row))),
    );

    // Eval mode: Dropout is off, so another batch size gives the same answers.
    const again = await evaluate(model, test, { batchSize: 1000 });
    expect(again.misclassified).toEqual(result.misclassified);
    expect(again.loss).toBeCloseTo(result.loss, 5);
    optimizer.dispose();
    model.dispose();
  });

  it('stops on an aborted signal and names bad options', async () => {
    const model = tinyNet(7);
    const controller = new AbortController();
    controller.abort();
    await expect(evaluate(model, test, { signal: controller.signal })).rejects.toThrow();
    await expect(evaluate(model, test, { batchSize: 0 })).rejects.toThrow(
      /evaluate batchSize: expected a positive integer, found 0/,
    );
    await expect(evaluate(model, { ...test, labels: test.labels.subarray(0, 10) })).rejects.toThrow(
      /expected 300 uint8 labels, found 10/,
    );
    model.dispose();
  });
});
