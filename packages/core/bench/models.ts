/**
 * The benchmark networks, built from @s4/core's layers (the zoo lives in @s4/models, above core,
 * so these mirror its `seed-arch1`, `seed-arch2` and `s4` layer lists).
 */

import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  GlobalAvgPool,
  Linear,
  LogSoftmax,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '@s4/core';
import { Rng } from '@s4/runtime';

export type BenchModelName = 'seed-arch1' | 'seed-arch2' | 's4';
export const BENCH_MODELS: readonly BenchModelName[] = ['seed-arch1', 'seed-arch2', 's4'];

export function buildBenchModel(name: BenchModelName, seed = 1): Module {
  const rng = new Rng(seed);
  const conv = (i: number, o: number, bias = true) => new Conv2d(i, o, 3, { rng, bias });
  const dropout = (p: number) => new Dropout(p, { rng: new Rng(seed + 1) });
  switch (name) {
    case 'seed-arch1':
      return new Sequential(
        conv(1, 32),
        new BatchNorm2d(32),
        new ReLU(),
        new MaxPool2d(2),
        conv(32, 32),
        new BatchNorm2d(32),
        new ReLU(),
        new MaxPool2d(2),
        conv(32, 16),
        new BatchNorm2d(16),
        new ReLU(),
        dropout(0.1),
        new Flatten(),
        new Linear(144, 20, { rng }),
        new BatchNorm1d(20),
        new ReLU(),
        dropout(0.1),
        new Linear(20, 10, { rng }),
        new LogSoftmax(),
      );
    case 'seed-arch2':
      return new Sequential(
        conv(1, 16),
        new ReLU(),
        new BatchNorm2d(16),
        conv(16, 32),
        new ReLU(),
        new BatchNorm2d(32),
        new MaxPool2d(2),
        conv(32, 10),
        new ReLU(),
        new BatchNorm2d(10),
        dropout(0.1),
        new MaxPool2d(2),
        conv(10, 10),
        new ReLU(),
        dropout(0.1),
        conv(10, 10),
        new Flatten(),
        new LogSoftmax(),
      );
    case 's4': {
      const block = (i: number, o: number, p: number) => {
        const layers: Module[] = [conv(i, o, false), new BatchNorm2d(o), new ReLU()];
        if (p > 0) layers.push(dropout(p));
        return layers;
      };
      return new Sequential(
        ...block(1, 8, 0.05),
        ...block(8, 12, 0.05),
        ...block(12, 16, 0.05),
        new MaxPool2d(2),
        ...block(16, 12, 0.05),
        ...block(12, 12, 0.05),
        ...block(12, 16, 0),
        new GlobalAvgPool(),
        new Linear(16, 10, { rng }),
        new LogSoftmax(),
      );
    }
  }
}
