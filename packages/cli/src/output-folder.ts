import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors';

/** A file-system error as a sentence: what went wrong, with errno's code for searching. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'EISDIR':
      return 'it is a folder, not a file (EISDIR)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (ENOTDIR)';
    case 'ENOENT':
      return 'no such file or folder (ENOENT)';
    default:
      return code ?? (error as Error).message;
  }
}

/**
 * Creates folder `dir` and its missing parents one level at a time, and returns the topmost
 * folder it created (undefined when `dir` existed), so that a failed command can remove what
 * it made. Node's recursive mkdir retries forever where a parent refuses new entries without
 * saying why (`/proc/x`); here every failure is a UsageError naming `flag` and its value
 * `named` (the folder itself, or the file to be written in it).
 */
export async function makeFolder(
  dir: string,
  flag: string,
  named: string = dir,
): Promise<string | undefined> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const info = await stat(at).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new UsageError(`${flag} ${named}: cannot check ${at}: ${describeFsError(error)}`);
    });
    if (info?.isDirectory()) break;
    if (info) throw new UsageError(`${flag} ${named}: expected a folder, found a file at ${at}`);
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      await removeCreated(missing[0], folder);
      throw new UsageError(`${flag} ${named}: cannot create ${folder}: ${describeFsError(error)}`);
    }
  }
  return missing[0];
}

/** Removes the empty folders `makeFolder` created, from `deepest` up to `top`. */
export async function removeCreated(top: string | undefined, deepest: string): Promise<void> {
  if (top === undefined) return;
  let at = resolve(deepest);
  for (;;) {
    try {
      await rmdir(at);
    } catch {
      return;
    }
    if (at === top) return;
    at = dirname(at);
  }
}
