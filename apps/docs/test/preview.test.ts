import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsRoot } from '../scripts/paths';
import { distDir } from './support/site';

// `pnpm --filter @s4/docs preview` as a user runs it, on a port another program holds.
let busy: Server;
let port: number;

beforeAll(async () => {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(`${distDir} has no built site: run \`pnpm --filter @s4/docs build\` first`);
  }
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  port = (busy.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe('the preview server', () => {
  it('on a busy port says so in one line naming --port, and exits 1', () => {
    const result = spawnSync('pnpm', ['run', '--silent', 'preview', '--port', String(port)], {
      cwd: docsRoot,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      `127.0.0.1:${port} is already in use: pick another with --port N`,
    );
  });
});
