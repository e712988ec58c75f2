import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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
