import { homedir } from 'node:os';
import { join } from 'node:path';

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
