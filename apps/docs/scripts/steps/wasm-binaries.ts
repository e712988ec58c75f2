import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { publicGeneratedDir, repoRoot } from '../paths';

/** URL prefix the demos pass to `initBackend({ wasmPaths })`. */
export const WASM_URL_PREFIX = '/generated/tfjs-wasm/';

/**
 * Copies the tfjs wasm binaries that @s4/core depends on into the site, so the demos fetch them
 * from this site rather than from a CDN (resolved from @s4/core: it owns the tfjs version).
 */
export async function copyWasmBinaries(): Promise<string> {
  const requireFromCore = createRequire(join(repoRoot, 'packages/core/package.json'));
  const wasmDist = join(
    dirname(requireFromCore.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'dist',
  );
  const binaries = (await readdir(wasmDist)).filter((name) => name.endsWith('.wasm'));
  if (binaries.length === 0) throw new Error(`no .wasm files found in ${wasmDist}`);
  const target = join(publicGeneratedDir, 'tfjs-wasm');
  await mkdir(target, { recursive: true });
  for (const name of binaries) await copyFile(join(wasmDist, name), join(target, name));
  return `${binaries.join(', ')} → public/generated/tfjs-wasm/`;
}
