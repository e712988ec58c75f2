import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt, root } from './cli-bin';

const s4 = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

beforeAll(ensureCliBuilt, 600_000);

describe('s4 itself', () => {
  test('--version prints the version from package.json', () => {
    const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
    const result = s4('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  test('no command prints the help and exits 1; --help exits 0', () => {
    const bare = s4();
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain('Usage: s4 [options] [command]');
    expect(s4('--help').status).toBe(0);
  });

  test('a usage error prints the error, the usage line and a hint, not the whole help', () => {
    const { status, stderr } = s4('evaluate', '--bogus');
    expect(status).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      "error: unknown option '--bogus'",
      'Usage: s4 evaluate [options]',
      "Run 's4 evaluate --help' for the options.",
    ]);
  });
});
