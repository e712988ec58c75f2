import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';
import { type ReadOnlyFolder, readOnlyFolder } from './read-only-folder';

// Every command that writes files, pointed at places that refuse them: a read-only file system,
// a folder where a file should go, a parent that refuses new entries (/proc). Each ends with
// exit 2 and a message naming the flag and the path, in bounded time, creating nothing.
const work = mkdtempSync(join(tmpdir(), 's4-read-only-'));
let readOnly: ReadOnlyFolder;
beforeAll(() => {
  ensureCliBuilt();
  readOnly = readOnlyFolder(work);
}, 600_000);
afterAll(() => {
  readOnly?.release();
  rmSync(work, { recursive: true, force: true });
});

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, S4_DATA_DIR: join(work, 'cache') },
    // Node's recursive mkdir spins forever under /proc; a timeout turns a hang into a failure.
    timeout: 300_000,
  });

/** The words describeFsError uses for the read-only folder's errno. */
const refused = () =>
  readOnly.code === 'EROFS' ? 'the file system is read-only (EROFS)' : 'permission denied (EACCES)';

describe('outputs that cannot be written', () => {
  test('s4 data fetch --dir below a read-only folder, and into one', () => {
    const below = join(readOnly.path, 'mnist');
    const result = s4('data', 'fetch', '--dir', below);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--dir ${below}: cannot create ${below}: ${refused()}`);
    const into = s4('data', 'fetch', '--dir', readOnly.path);
    expect(into.status).toBe(2);
    expect(into.stderr).toContain(
      `${join(readOnly.path, 'train-images-idx3-ubyte')}: cannot write it to the cache (${readOnly.code})`,
    );
    expect(into.stderr).not.toMatch(/\.tmp\b/);
    expect(readdirSync(readOnly.path)).toEqual([]);
  });

  test('s4 data fetch --dir /proc/x ends at once, naming the folder it cannot create', () => {
    const result = s4('data', 'fetch', '--dir', '/proc/s4/mnist');
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--dir /proc/s4/mnist: cannot create /proc/s4');
  });

  test('s4 train --out below a read-only folder, and into one', () => {
    const small = ['--limit', '256', '--test-limit', '50', '--epochs', '1'];
    const below = join(readOnly.path, 'run');
    const result = s4('train', ...small, '--out', below);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--out ${below}: cannot create ${below}: ${refused()}`);
    const into = s4('train', ...small, '--out', readOnly.path);
    expect(into.status).toBe(2);
    expect(into.stderr).toContain(
      `--out ${readOnly.path}: cannot lock the run folder: ${refused()}`,
    );
  });

  test('s4 backprop --out below a read-only folder, and into one', () => {
    const below = join(readOnly.path, 'sheet');
    const result = s4('backprop', '--out', below);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--out ${below}: cannot create ${below}: ${refused()}`);
    const into = s4('backprop', '--out', readOnly.path);
    expect(into.status).toBe(2);
    expect(into.stderr).toContain(`--out ${readOnly.path}: cannot write its files: ${refused()}`);
    expect(readdirSync(readOnly.path)).toEqual([]);
  });

  test('s4 data show --png to a folder, and below a read-only folder', () => {
    const folder = join(work, 'pictures');
    mkdirSync(folder);
    const result = s4('data', 'show', '--png', folder);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--png ${folder}: expected a file name, found a folder`);
    expect(readdirSync(folder)).toEqual([]);
    const below = join(readOnly.path, 'digits', 'seven.png');
    const ro = s4('data', 'show', '--png', below);
    expect(ro.status).toBe(2);
    expect(ro.stderr).toContain(
      `--png ${below}: cannot create ${join(readOnly.path, 'digits')}: ${refused()}`,
    );
    expect(ro.stderr).not.toMatch(/\.tmp\b/);
    const proc = s4('data', 'show', '--png', '/proc/s4/seven.png');
    expect(proc.status).toBe(2);
    expect(proc.stderr).toContain('--png /proc/s4/seven.png: cannot create /proc/s4');
    expect(existsSync(join(work, 'cache'))).toBe(false);
  });
});
