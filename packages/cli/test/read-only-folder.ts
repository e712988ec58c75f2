import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadOnlyFolder {
  path: string;
  /** The errno a write below `path` fails with. */
  code: 'EROFS' | 'EACCES';
  release(): void;
}

/**
 * An empty folder below `parent` that refuses every write. For a normal user, mode 0555 (writes
 * fail with EACCES). Root ignores permission bits, so as root a read-only tmpfs is mounted there
 * (writes fail with EROFS, as on a read-only disk); this needs CAP_SYS_ADMIN, which root has
 * outside unprivileged containers. Call `release` when done.
 */
export function readOnlyFolder(parent: string, name = 'read-only'): ReadOnlyFolder {
  const path = join(parent, name);
  mkdirSync(path, { recursive: true });
  if (process.getuid?.() !== 0) {
    chmodSync(path, 0o555);
    return { path, code: 'EACCES', release: () => chmodSync(path, 0o755) };
  }
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 's4-read-only', path]);
  return { path, code: 'EROFS', release: () => execFileSync('umount', [path]) };
}
