import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  initBackend,
  Linear,
  loadCheckpoint,
  type ReplaceFolderStep,
  Sequential,
  saveCheckpoint,
} from '../src/public-api';

const builtEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const builtCheckpoint = fileURLToPath(new URL('../dist/checkpoint.js', import.meta.url));
const STEPS: ReplaceFolderStep[] = ['written', 'ready', 'moved-aside', 'replaced', 'cleaned'];

/**
 * A plain `node` process saves checkpoint "A", then starts saving "B" and kills itself with
 * SIGKILL right after `step` of the save: a real crash at that moment, not an exception.
 */
const script = (dir: string, step: string) => `
import { Linear, Sequential, initBackend } from ${JSON.stringify(builtEntry)};
import { saveCheckpoint } from ${JSON.stringify(builtCheckpoint)};
await initBackend({ backend: 'cpu' });
const model = new Sequential(new Linear(3, 2));
const content = (version) => ({ normalization: { mean: 0, std: 1 }, metadata: { version } });
await saveCheckpoint(${JSON.stringify(dir)}, model, content('A'));
await saveCheckpoint(${JSON.stringify(dir)}, model, content('B'), (s) => {
  if (s === ${JSON.stringify(step)}) process.kill(process.pid, 'SIGKILL');
});
`;

let work: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  work = await mkdtemp(join(tmpdir(), 's4-checkpoint-crash-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe('saveCheckpoint killed at every step', () => {
  it.each(STEPS)(
    'SIGKILL after "%s" leaves a complete checkpoint that loadCheckpoint finds',
    async (step) => {
      expect(existsSync(builtEntry), 'run `pnpm --filter @s4/core build` first').toBe(true);
      const run = join(work, step);
      const dir = join(run, 'last');
      const signal = await new Promise<string | null>((resolve) => {
        execFile(process.execPath, ['--input-type=module', '-e', script(dir, step)], (error) =>
          resolve((error as { signal?: string } | null)?.signal ?? null),
        );
      });
      expect(signal).toBe('SIGKILL');
      const loaded = await loadCheckpoint(dir);
      loaded.model.dispose();
      // Before "ready" the new checkpoint was not complete yet: the old one stays.
      expect(loaded.metadata?.version).toBe(step === 'written' ? 'A' : 'B');
      // Loading put the complete folder back and removed the hidden leftovers.
      expect(await readdir(run)).toEqual(['last']);
    },
    60_000,
  );
});

describe('checkpoint folder permissions', () => {
  it('follow the umask, like every other output (not 0700)', async () => {
    const dir = join(work, 'mode', 'last');
    const model = new Sequential(new Linear(3, 2));
    await saveCheckpoint(dir, model, { normalization: { mean: 0, std: 1 } });
    model.dispose();
    const mask = process.umask();
    expect((await stat(dir)).mode & 0o777).toBe(0o777 & ~mask);
  });
});
