import { existsSync } from 'node:fs';
import { cp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@s4/runtime/node';
import { publicGeneratedDir, repoRoot } from '../paths';

/** What the demos read from `/generated/weights/index.json`. */
export interface WeightsIndexEntry {
  /** Zoo model name; its checkpoint is served at `/generated/weights/<name>/`. */
  name: string;
  /** `shipped`: packages/models/weights/<name>; `run`: a committed training run's checkpoint. */
  source: 'shipped' | 'run';
  /** For `run`: the run folder and checkpoint, e.g. `s4-seed1/best`. */
  run?: string;
  /** Epochs the checkpoint was trained for, and its test accuracy (0–1) after the last one. */
  epochs: number;
  testAccuracy?: number;
}

interface CheckpointJson {
  training?: { history?: Array<{ testAccuracy?: number }> };
  metadata?: { model?: string };
}

const modelsDir = join(repoRoot, 'packages', 'models');

/**
 * Serves a trained checkpoint per zoo model, so the draw and zoo demos run real weights and
 * never request a file that is not there: the shipped one (packages/models/weights/<name>/) if
 * it exists, else the best evaluated checkpoint of the committed training runs
 * (packages/models/weights-runs/<run>/best|last/), labelled as such in the pages.
 */
export async function copyShippedWeights(): Promise<string> {
  const target = join(publicGeneratedDir, 'weights');
  await rm(target, { recursive: true, force: true });
  const chosen = new Map<string, { dir: string; entry: WeightsIndexEntry }>();

  const shippedDir = join(modelsDir, 'weights');
  for (const name of await subfolders(shippedDir)) {
    const json = await readCheckpoint(join(shippedDir, name));
    if (json === undefined) continue;
    chosen.set(name, { dir: join(shippedDir, name), entry: describe(name, 'shipped', json) });
  }

  const runsDir = join(modelsDir, 'weights-runs');
  for (const run of await subfolders(runsDir)) {
    for (const checkpoint of ['best', 'last']) {
      const dir = join(runsDir, run, checkpoint);
      const json = await readCheckpoint(dir);
      const name = json?.metadata?.model;
      // A checkpoint without an evaluated epoch (an interrupted first epoch) is not shown.
      if (json === undefined || name === undefined || !json.training?.history?.length) continue;
      const entry = describe(name, 'run', json, `${run}/${checkpoint}`);
      const current = chosen.get(name);
      const better =
        current === undefined ||
        (current.entry.source === 'run' &&
          (entry.testAccuracy ?? 0) > (current.entry.testAccuracy ?? 0));
      if (better) chosen.set(name, { dir, entry });
      break;
    }
  }

  const models = [...chosen.keys()].sort();
  for (const name of models)
    await cp(chosen.get(name)!.dir, join(target, name), { recursive: true });
  const entries = models.map((name) => chosen.get(name)!.entry);
  await writeFileAtomic(
    join(target, 'index.json'),
    `${JSON.stringify({ models, entries }, null, 2)}\n`,
  );
  return entries.length === 0
    ? 'no trained checkpoints yet'
    : entries.map((e) => `${e.name} (${e.source === 'run' ? e.run : 'shipped'})`).join(', ');
}

function describe(
  name: string,
  source: 'shipped' | 'run',
  json: CheckpointJson,
  run?: string,
): WeightsIndexEntry {
  const history = json.training?.history ?? [];
  const testAccuracy = history.at(-1)?.testAccuracy;
  return {
    name,
    source,
    ...(run === undefined ? {} : { run }),
    epochs: history.length,
    ...(testAccuracy === undefined ? {} : { testAccuracy }),
  };
}

async function subfolders(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function readCheckpoint(dir: string): Promise<CheckpointJson | undefined> {
  const file = join(dir, 'model.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as CheckpointJson;
}
