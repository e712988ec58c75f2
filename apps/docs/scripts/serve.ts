/**
 * `pnpm --filter @s4/docs preview`: serves the built site on http://127.0.0.1:4173 with the
 * cross-origin isolation headers (COOP/COEP) that threaded wasm needs.
 * Options: `--port N`, `--host H`, `--no-isolation` (serve as a host without custom headers).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { docsRoot } from './paths';
import { startStaticServer } from './static-server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4173' },
    host: { type: 'string', default: '127.0.0.1' },
    'no-isolation': { type: 'boolean', default: false },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`--port: expected a port number 0–65535, found ${values.port}`);
  process.exit(2);
}
const root = join(docsRoot, '.vitepress', 'dist');
if (!existsSync(join(root, 'index.html'))) {
  console.error(`${root} has no built site: run \`pnpm --filter @s4/docs build\` first`);
  process.exit(1);
}
const site = await startStaticServer({
  root,
  port,
  host: values.host,
  crossOriginIsolation: !values['no-isolation'],
}).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error;
  console.error(`${values.host}:${port} is already in use: pick another with --port N`);
  process.exit(1);
});
console.log(
  `S4 docs on ${site.url}/ (${values['no-isolation'] ? 'no COOP/COEP' : 'cross-origin isolated'}); Ctrl+C to stop`,
);
