import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docsRoot } from '../scripts/paths';
import { startStaticServer } from '../scripts/static-server';
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

describe('the static server (preview and the tests)', () => {
  it("sends the build's Brotli and gzip copies to browsers that accept them, the file itself to others", async () => {
    const assets = join(distDir, 'assets');
    const script = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .sort((a, b) => statSync(join(assets, b)).size - statSync(join(assets, a)).size)[0];
    expect(script, 'the build has no .js asset').toBeDefined();
    const original = readFileSync(join(assets, script!));
    const site = await startStaticServer({ root: distDir });
    try {
      const url = `${site.url}/assets/${script}`;
      const bytes = async (encoding: string) => {
        const response = await fetch(url, { headers: { 'accept-encoding': encoding } });
        expect(response.status).toBe(200);
        return {
          encoding: response.headers.get('content-encoding'),
          vary: response.headers.get('vary'),
          // fetch decodes the body: it must be the file itself whatever the encoding.
          body: Buffer.from(await response.arrayBuffer()),
        };
      };
      const brotli = await bytes('gzip, deflate, br');
      expect(brotli.encoding).toBe('br');
      expect(brotli.vary).toMatch(/accept-encoding/i);
      expect(brotli.body.equals(original)).toBe(true);
      const gzip = await bytes('gzip');
      expect(gzip.encoding).toBe('gzip');
      expect(gzip.body.equals(original)).toBe(true);
      const identity = await bytes('identity');
      expect(identity.encoding).toBeNull();
      expect(identity.body.equals(original)).toBe(true);
      // The copies are smaller, or there is no point.
      expect(statSync(join(assets, `${script}.br`)).size).toBeLessThan(original.length / 2);
    } finally {
      await site.close();
    }
  });
});
