import { existsSync } from 'node:fs';
import { cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { publicGeneratedDir, repoRoot, writeFileAtomic } from '../paths';

/**
 * Serves the zoo's shipped checkpoints (packages/models/weights/<name>/) from the site, plus an
 * index of which models have weights, so the demos never request a file that is not there.
 */
export async function copyShippedWeights(): Promise<string> {
  const source = join(repoRoot, 'packages', 'models', 'weights');
  const target = join(publicGeneratedDir, 'weights');
  await rm(target, { recursive: true, force: true });
  const models: string[] = [];
  if (existsSync(source)) {
    for (const entry of await readdir(source, { withFileTypes: true })) {
      if (!entry.isDirectory() || !existsSync(join(source, entry.name, 'model.json'))) continue;
      await cp(join(source, entry.name), join(target, entry.name), { recursive: true });
      models.push(entry.name);
    }
  }
  models.sort();
  await writeFileAtomic(join(target, 'index.json'), `${JSON.stringify({ models })}\n`);
  return models.length > 0
    ? `${models.join(', ')} → public/generated/weights/`
    : 'no shipped weights yet';
}
