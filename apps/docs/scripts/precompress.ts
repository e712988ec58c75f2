/**
 * After `vitepress build`: writes a Brotli (`.br`) and a gzip (`.gz`) copy beside every text and
 * wasm file of the built site, so that a host serving precompressed files (sirv in `preview` and
 * the tests, nginx `gzip_static`, Caddy `precompressed`) sends compressed bytes the way a CDN that
 * compresses on the fly (GitHub Pages, Netlify, Cloudflare) does. Already-compressed files
 * (the MNIST `.gz`, images) are left alone.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { docsRoot } from './paths';

const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.wasm',
  '.svg',
  '.txt',
  '.xml',
  '.map',
]);
/** Below this size the headers outweigh the saving. */
const MIN_BYTES = 1024;

const distDir = join(docsRoot, '.vitepress', 'dist');
let files = 0;
let before = 0;
let after = 0;
for (const entry of await readdir(distDir, { recursive: true })) {
  const path = join(distDir, entry);
  if (!COMPRESSIBLE.has(extname(path)) || (await stat(path)).size < MIN_BYTES) continue;
  const body = await readFile(path);
  const brotli = brotliCompressSync(body, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 10,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  await writeFile(`${path}.br`, brotli);
  await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
  files += 1;
  before += body.length;
  after += brotli.length;
}
console.log(
  `precompress: ${files} files, ${(before / 1e6).toFixed(1)} MB → ${(after / 1e6).toFixed(1)} MB with Brotli (.br and .gz written beside them)`,
);
