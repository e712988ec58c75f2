import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { expectTrains, type TrainingResult, writeMnistSlices } from './mnist-slice';

// The packed package, installed with plain npm next to @tensorflow/tfjs in an empty folder,
// runs the README's set-up: what a user gets from the registry.
const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT = 900_000;
const dir = mkdtempSync(join(tmpdir(), 's4-tfjs-wasm-training-npm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it(
    'installs with npm beside @tensorflow/tfjs 4.22.0 and trains the conv net on wasm',
    async () => {
      await run('pnpm', ['pack', '--pack-destination', dir], { cwd: packageRoot });
      const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
      expect(tarball).toMatch(/^s4-tfjs-wasm-training-.*\.tgz$/);
      writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
      await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--ignore-scripts',
          '--loglevel=error',
          '@tensorflow/tfjs@4.22.0',
          '@tensorflow/tfjs-backend-wasm@4.22.0',
          `./${tarball}`,
        ],
        { cwd: dir, timeout: TIMEOUT },
      );
      for (const file of ['conv-net.mjs', 'train-node.mjs']) {
        copyFileSync(fileURLToPath(new URL(`./program/${file}`, import.meta.url)), join(dir, file));
      }
      const files = await writeMnistSlices(dir);
      const { stdout } = await run(process.execPath, ['train-node.mjs', files.train, files.test], {
        cwd: dir,
      });
      expectTrains(expect, JSON.parse(stdout) as TrainingResult, 'wasm');
    },
    TIMEOUT,
  );
});
