import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root. */
export const root = join(import.meta.dirname, '../../..');

/** The published packages: every `packages/*` whose package.json is not private. */
export const publishedPackages = readdirSync(join(root, 'packages'))
  .map((dir) => ({ dir: join(root, 'packages', dir), folder: dir }))
  .map(({ dir, folder }) => ({
    dir,
    folder,
    manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
      license?: string;
    },
  }))
  .filter(({ manifest }) => !manifest.private);
