import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The folder where downloaded MNIST files are kept: `$S4_DATA_DIR` if set, else the platform's
 * cache folder (`%LOCALAPPDATA%\s4\mnist`, `~/Library/Caches/s4/mnist`,
 * `$XDG_CACHE_HOME/s4/mnist` or `~/.cache/s4/mnist`).
 */
export function defaultCacheDir(
  env: Record<string, string | undefined> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.S4_DATA_DIR) return env.S4_DATA_DIR;
  if (platform === 'win32') {
    return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 's4', 'mnist');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 's4', 'mnist');
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 's4', 'mnist');
}

/**
 * Writes `bytes` to `path` through a uniquely named temporary file in the same folder and a
 * rename, so readers see either no file or the whole file, even with concurrent writers.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes);
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
