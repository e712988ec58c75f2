import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { expect, test } from 'vitest';

/** Every module specifier reachable from an entry through this package's own files. */
function reachableImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(
      /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g,
    )) {
      const specifier = (match[1] ?? match[2])!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), `${specifier}.ts`));
      else packages.add(specifier);
    }
  };
  visit(entry);
  return { files, packages };
}

test('the main entry reaches no Node built-in and no native module (the docs run it in a browser)', () => {
  const { files, packages } = reachableImports(join(import.meta.dirname, '../src/index.ts'));
  expect(files.size).toBeGreaterThan(10);
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  expect([...packages].filter((p) => builtins.has(p) || p.startsWith('node:'))).toEqual([]);
  expect([...packages].sort()).toEqual(['@s4/charts', 'fflate']);
});

test('Node-only code (the PNG rasteriser, fs) is reached only from the ./node entry', () => {
  const { packages } = reachableImports(join(import.meta.dirname, '../src/node.ts'));
  expect(packages).toContain('@s4/charts/node');
  expect(packages).toContain('node:fs/promises');
});
