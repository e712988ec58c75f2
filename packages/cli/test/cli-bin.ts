import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root and the built `s4` bin, which the CLI tests run as a user would. */
export const root = join(import.meta.dirname, '../../..');
export const bin = join(root, 'packages/cli/dist/bin.js');

// Build outputs the bin needs at run time besides itself.
const BUILT = [
  'packages/models/dist/index.js',
  'packages/core/dist/parallel-worker.js',
  'packages/core/dist/onnx.js',
  'packages/backprop-sheet/dist/node.js',
];

/**
 * Builds the CLI and the packages below it when a build output is missing (a fresh clone tested
 * without `pnpm build`); under `pnpm test`, turbo has built them first. Use as
 * `beforeAll(ensureCliBuilt, 600_000)`.
 */
export function ensureCliBuilt(): void {
  if ([bin, ...BUILT.map((file) => join(root, file))].some((file) => !existsSync(file))) {
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@s4/cli...'], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}
