import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `data` to `path` (creating its folder) through a uniquely named temporary file in the
 * same folder and a rename, so readers see either no file, the old one or the whole new one,
 * even with concurrent writers.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Removes temporary files that writeFileAtomic left behind when its process was killed
 * mid-write; only those older than `maxAgeMs`, so that a concurrent writer's file is kept.
 */
export async function removeStaleTempFiles(
  dir: string,
  maxAgeMs = 24 * 3600 * 1000,
): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    if (!/\.\d+\.[0-9a-f]{12}\.tmp$/.test(name)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && now - info.mtimeMs > maxAgeMs) await rm(path, { force: true });
  }
}
