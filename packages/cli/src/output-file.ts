import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@s4/runtime/node';
import { UsageError } from './errors';
import { describeFsError, makeFolder, removeCreated } from './output-folder';

/**
 * Writes `bytes` to the file `path` that `flag` names (creating its folder), atomically. A
 * folder at `path` or a file system that refuses the write is a UsageError naming the flag and
 * the path (not the temporary file's name); folders created for it are removed on failure.
 */
export async function writeOutputFile(path: string, bytes: Uint8Array, flag: string) {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw new UsageError(`${flag} ${path}: expected a file name, found a folder`);
  }
  const created = await makeFolder(dirname(path), flag, path);
  try {
    await writeFileAtomic(path, bytes);
  } catch (error) {
    await removeCreated(created, dirname(path));
    throw new UsageError(`${flag} ${path}: cannot write it: ${describeFsError(error)}`);
  }
}
