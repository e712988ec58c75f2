import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@s4/runtime/node';

/**
 * Writes `renderOutputFiles`' files into `dir` (created if missing), each atomically: a reader
 * never sees a half-written file.
 */
export async function writeOutputFiles(
  dir: string,
  files: ReadonlyMap<string, Uint8Array>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of files) await writeFileAtomic(join(dir, name), bytes);
}
