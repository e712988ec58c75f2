import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from 'vitest';

/** Every package a file imports, following this package's own files. */
function reachablePackages(entry: string): Set<string> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(
      /(?:import|export)\s[^'"]*?from\s+'([^']+)'/g,
    )) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), `${specifier}.ts`));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return packages;
}

test('the main entry reaches only d3 modules: no Node built-in, no native module', () => {
  const packages = reachablePackages(join(import.meta.dirname, '../src/index.ts'));
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  expect([...packages].filter((p) => builtins.has(p))).toEqual([]);
  expect([...packages].sort()).toEqual(['d3-format', 'd3-scale', 'd3-scale-chromatic']);
});

test('the native rasteriser is reached only from the ./node entry', () => {
  expect(reachablePackages(join(import.meta.dirname, '../src/node.ts'))).toContain(
    '@resvg/resvg-js',
  );
});
