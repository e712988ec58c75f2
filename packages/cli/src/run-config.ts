import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './errors';
import type { TrainConfig } from './train-config';

/** The settings a training checkpoint was made with (its model.json `metadata.config`). */
export async function readRunConfig(checkpointDir: string): Promise<TrainConfig> {
  const file = join(checkpointDir, 'model.json');
  let json: { metadata?: { config?: TrainConfig } };
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  const config = json.metadata?.config;
  if (!config || typeof config.model !== 'string' || !Number.isInteger(config.epochs)) {
    throw new UsageError(
      `${file}: expected metadata.config (the settings of an s4 train run), found ${config === undefined ? 'none' : 'an incomplete one'}; only s4 train checkpoints can be resumed`,
    );
  }
  return config;
}
