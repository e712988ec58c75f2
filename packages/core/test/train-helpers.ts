import { Rng } from '@s4/runtime';
import type { tf } from '../src/backend';
import { BatchNorm2d } from '../src/nn/batch-norm-2d';
import { Conv2d } from '../src/nn/conv2d';
import { Dropout } from '../src/nn/dropout';
import { Flatten } from '../src/nn/flatten';
import { Linear } from '../src/nn/linear';
import { LogSoftmax } from '../src/nn/log-softmax';
import { MaxPool2d } from '../src/nn/max-pool-2d';
import { ReLU } from '../src/nn/relu';
import { Sequential } from '../src/nn/sequential';

/**
 * A small CNN with every kind of state training must carry: conv and linear weights, BatchNorm
 * running statistics, and a seeded Dropout generator.
 */
export function tinyNet(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d(1, 4, 3, { rng }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Dropout(0.2, { rng: new Rng(seed + 1) }),
    new Linear(4 * 13 * 13, 10, { rng }),
    new LogSoftmax(),
  );
}

/** The same without BatchNorm and Dropout: nothing rescales its activations, so it can diverge. */
export function plainNet(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d(1, 4, 3, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(4 * 13 * 13, 10, { rng }),
    new LogSoftmax(),
  );
}

/** Every parameter and buffer as bytes, to compare two models bit for bit. */
export function weightBytes(model: Sequential): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const [name, v] of model.stateDict()) out.set(name, bytesOf(v));
  return out;
}

export function bytesOf(t: tf.Tensor): Buffer {
  const data = t.dataSync();
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
