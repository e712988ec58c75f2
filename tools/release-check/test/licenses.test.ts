import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishedPackages, root } from './repo';

// npm always packs a package's own LICENSE, whatever `files` says; so each package keeps a copy
// of the root one (the tarball check in tarballs.test.ts confirms it ships).
describe('licenses', () => {
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');

  it('the root LICENSE is MIT', () => {
    expect(license).toMatch(/^MIT License\n/);
  });

  it.each(publishedPackages.map((p) => [p.manifest.name, p] as const))(
    '%s says MIT and carries the root LICENSE',
    (_name, pkg) => {
      expect(pkg.manifest.license).toBe('MIT');
      const copy = join(pkg.dir, 'LICENSE');
      expect(existsSync(copy), `${copy} is missing`).toBe(true);
      expect(readFileSync(copy, 'utf8')).toBe(license);
    },
  );
});
