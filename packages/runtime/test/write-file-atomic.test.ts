import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeBuiltin } from '../src/index';
import { writeFileAtomic } from '../src/node';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates the folder, writes the whole file and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's4-runtime-'));
    dirs.push(dir);
    const path = join(dir, 'a', 'b', 'out.txt');
    await writeFileAtomic(path, 'first');
    await writeFileAtomic(path, new TextEncoder().encode('second'));
    expect(await readFile(path, 'utf8')).toBe('second');
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['out.txt']);
  });

  it('leaves one writer’s whole content when writers race', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's4-runtime-'));
    dirs.push(dir);
    const path = join(dir, 'race.bin');
    const contents = Array.from({ length: 8 }, (_, i) => 'x'.repeat(100_000) + i);
    await Promise.all(contents.map((c) => writeFileAtomic(path, c)));
    expect(contents).toContain(await readFile(path, 'utf8'));
    expect(await readdir(dir)).toEqual(['race.bin']);
  });
});

describe('nodeBuiltin', () => {
  it('returns the Node built-in module in Node', async () => {
    const fs = nodeBuiltin('node:fs/promises');
    expect(typeof fs?.readFile).toBe('function');
  });
});
