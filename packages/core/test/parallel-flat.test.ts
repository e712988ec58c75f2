import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MnistData } from '@s4/mnist-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '../src/backend';
import { prepareBatch } from '../src/data/batches';
import { Adam } from '../src/optim/adam';
import type { NamedVariables, Optimizer } from '../src/optim/optimizer';
import { SGD } from '../src/optim/sgd';
import { defaultWorkerUrl, WorkerPool } from '../src/parallel/worker-pool';
import { applyGradients } from '../src/train-step';
import { loadSubset } from './mnist';
import { plainNet, weightBytes } from './train-helpers';

// The data-parallel step's update in plain JS (`computeFlatGradients` + `applyFlatGradients`,
// what `fit` runs) against the tensor route (`computeGradients` + the optimizer's tfjs kernels),
// on real worker threads running the BUILT worker entry.

let train: MnistData;
let pool: WorkerPool;

beforeAll(async () => {
  expect(existsSync(fileURLToPath(defaultWorkerUrl())), 'build @s4/core first').toBe(true);
  await initBackend({ backend: 'wasm' });
  train = await loadSubset('train', 300);
  pool = await WorkerPool.start(plainNet(1), { workers: 2, loss: 'nll' });
});

afterAll(async () => {
  await pool?.close();
});

const batchAt = (step: number) =>
  prepareBatch(
    train,
    Int32Array.from({ length: 100 }, (_, i) => step * 100 + i),
  );

describe('WorkerPool flat gradients and update', () => {
  const optimizers: Array<[string, (ps: NamedVariables) => Optimizer]> = [
    [
      'SGD with Nesterov momentum',
      (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }),
    ],
    ['Adam with weight decay', (ps) => new Adam(ps, { lr: 0.01, weightDecay: 1e-3 })],
  ];
  for (const [name, make] of optimizers) {
    it(`${name}: three steps equal the tensor route bit for bit`, async () => {
      const viaTensors = plainNet(4);
      const viaFlat = plainNet(4);
      const optTensors = make(viaTensors.namedParameters());
      const optFlat = make(viaFlat.namedParameters());
      const before = tf.memory().numTensors;
      for (let step = 0; step < 3; step++) {
        const a = await pool.computeGradients(viaTensors, batchAt(step));
        applyGradients(optTensors, a.grads);
        const b = await pool.computeFlatGradients(viaFlat, batchAt(step));
        expect(b.loss).toBe(a.loss);
        expect(b.correct).toBe(a.correct);
        // The parameters the workers got: the model's weights, as one array in layout order.
        expect(b.parameters).toHaveLength(pool.layout.parameterSize);
        pool.applyFlatGradients(viaFlat, optFlat, b);
      }
      expect([...weightBytes(viaFlat)]).toEqual([...weightBytes(viaTensors)]);
      // The tensor route made its optimizer state variables; the flat one makes them on demand.
      optFlat.stateDict();
      optTensors.dispose();
      optFlat.dispose();
      expect(tf.memory().numTensors).toBe(before);
      viaTensors.dispose();
      viaFlat.dispose();
    });
  }
});
