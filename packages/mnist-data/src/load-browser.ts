import type { MnistSplit } from './checksums';
import { mnistFile } from './checksums';
import { type DownloadProgress, downloadMnistFile } from './download';
import { decodeIdx } from './idx';
import { assembleMnist, checkLoadOptions, type MnistData } from './mnist';
import { browserPlatform } from './platform-browser';

export interface LoadMnistOptions {
  /** Default 'train'. */
  split?: MnistSplit;
  /** Folder URL serving the files (e.g. your own static copy); tried before `mirrors`. */
  baseUrl?: string | undefined;
  /** Default DEFAULT_MIRRORS, or none when `baseUrl` is given. */
  mirrors?: readonly string[] | undefined;
  /** Fetch `name.gz` (default) or the raw IDX `name`. */
  compressed?: boolean | undefined;
  /** Keep only the first `limit` examples. */
  limit?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

/**
 * Loads one MNIST split in the browser with fetch, verifying each file's SHA-256 with Web
 * Crypto (a secure context: https or localhost) and inflating gzip with DecompressionStream.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const split = options.split ?? 'train';
  checkLoadOptions(split, options.limit);
  const mirrors =
    options.baseUrl === undefined ? options.mirrors : [options.baseUrl, ...(options.mirrors ?? [])];
  const download = { ...options, mirrors };
  const imagesFile = mnistFile(split, 'images');
  const labelsFile = mnistFile(split, 'labels');
  const images = await downloadMnistFile(imagesFile, browserPlatform, download);
  const labels = await downloadMnistFile(labelsFile, browserPlatform, download);
  return assembleMnist(
    decodeIdx(images.bytes, { name: images.url }),
    decodeIdx(labels.bytes, { name: labels.url }),
    {
      split,
      imagesName: images.url,
      labelsName: labels.url,
      source: { kind: 'mirror', location: images.mirror },
      limit: options.limit,
    },
  );
}
