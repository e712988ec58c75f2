/** Writes MNIST slices (real images, from @s4/mnist-data) in the format conv-net.mjs decodes. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@s4/mnist-data';

export const TRAIN_IMAGES = 1024;
export const TEST_IMAGES = 500;

/** The first `count` images of `split`, as one slice file. */
export async function writeSlice(
  split: 'train' | 'test',
  count: number,
  file: string,
): Promise<void> {
  const data = await loadMnist({ split, limit: count });
  const bytes = new Uint8Array(4 + count * 785);
  new DataView(bytes.buffer).setUint32(0, count, true);
  bytes.set(data.images.subarray(0, count * 784), 4);
  bytes.set(data.labels.subarray(0, count), 4 + count * 784);
  writeFileSync(file, bytes);
}

/** The first TRAIN_IMAGES training and TEST_IMAGES test images, as train.bin and test.bin in `dir`. */
export async function writeMnistSlices(dir: string): Promise<{ train: string; test: string }> {
  const train = join(dir, 'train.bin');
  const test = join(dir, 'test.bin');
  await writeSlice('train', TRAIN_IMAGES, train);
  await writeSlice('test', TEST_IMAGES, test);
  return { train, test };
}

export interface TrainingResult {
  backend: string;
  loss: number[];
  accuracyBefore: number;
  accuracyAfter: number;
}

/** What "it trains" means in these tests: the loss falls every epoch, test accuracy rises. */
export function expectTrains(
  expect: typeof import('vitest').expect,
  result: TrainingResult,
  backend: string,
): void {
  expect(result.backend).toBe(backend);
  expect(result.loss).toHaveLength(3);
  for (let i = 1; i < result.loss.length; i++) {
    expect(result.loss[i]).toBeLessThan(result.loss[i - 1]!);
  }
  expect(result.accuracyBefore).toBeLessThan(0.2);
  expect(result.accuracyAfter).toBeGreaterThan(result.accuracyBefore + 0.2);
}
