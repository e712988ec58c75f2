import type { MnistData } from '@s4/mnist-data';
import { beforeAll, bench, describe } from 'vitest';
import { TrainingBatches } from '../src/data/batches';
import { loadSubset } from '../test/mnist';

// Batch preparation throughput (`pnpm --filter @s4/core bench`): it has to stay well ahead of
// the training step, which issue 6 targets at ~5,000 images/s (a batch of 128 every ~25 ms).
let train: MnistData;
let plain: TrainingBatches;
let augmented: TrainingBatches;
let batch = 0;

beforeAll(async () => {
  train = await loadSubset('train', 60000);
  plain = new TrainingBatches(train, { batchSize: 128, seed: 1 });
  augmented = new TrainingBatches(train, {
    batchSize: 128,
    seed: 1,
    augment: { rotation: 7, translate: 0.1, scale: [0.9, 1.1] },
  });
});

describe('prepare one batch of 128', () => {
  bench('normalise only', () => {
    plain.prepare(0, batch++ % plain.batchesPerEpoch);
  });
  bench('rotate ±7°, shift ±10%, scale 0.9–1.1, normalise', () => {
    augmented.prepare(0, batch++ % augmented.batchesPerEpoch);
  });
});
