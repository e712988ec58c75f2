import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

// The real `s4` bin in a plain `node` process: what its output streams look like to a shell.

beforeAll(ensureCliBuilt, 600_000);

/**
 * Runs `s4 <args>` with stdout piped to a reader that is already gone (`s4 … | head -0`, or
 * `head` having read its lines), so every write to stdout fails with EPIPE.
 */
function runIntoClosedPipe(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end of the pipe before the child has started leaves its writes no reader.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('stdout whose reader went away (EPIPE)', () => {
  test.each(['models', 'models --json'])('s4 %s exits 0 quietly', async (command) => {
    const { status, stderr } = await runIntoClosedPipe(command.split(' '));
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  test('s4 models | head -1 prints the first line and exits 0', () => {
    // The shell reports s4's own status on stderr; `head` exits after its line.
    const script = `{ "${process.execPath}" "${bin}" models; echo "s4 exited $?" >&2; } | head -1`;
    const result = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
    expect(result.stdout).toMatch(/^s4 — [^\n]+\n$/);
    expect(result.stderr).toBe('s4 exited 0\n');
  });

  test.runIf(existsSync('/dev/full'))(
    'other stdout errors are still reported, in one line (s4 models > /dev/full)',
    () => {
      const full = openSync('/dev/full', 'w');
      try {
        const result = spawnSync(process.execPath, [bin, 'models'], {
          stdio: ['ignore', full, 'pipe'],
          encoding: 'utf8',
        });
        expect(result.stderr).toBe(
          'error: cannot write to stdout: ENOSPC: no space left on device, write\n',
        );
        expect(result.status).toBe(1);
      } finally {
        closeSync(full);
      }
    },
  );
});

describe('the cpu backend', () => {
  test('s4 evaluate --backend cpu --json prints its JSON and nothing else (no tfjs-node banner)', () => {
    const result = spawnSync(
      process.execPath,
      [bin, 'evaluate', '--backend', 'cpu', '--limit', '50', '--json'],
      { encoding: 'utf8' },
    );
    expect(result.stderr).not.toContain('TensorFlow.js in Node.js');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ model: 's4', count: 50 });
  });
});
