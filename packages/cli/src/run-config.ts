import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrainingState } from '@s4/core/checkpoint';
import { UsageError } from './errors';
import { plural } from './plural';
import type { TrainConfig } from './train-config';

const OPTIMIZERS = ['sgd', 'adam', 'adamw'];
const SCHEDULERS = ['onecycle', 'step', 'plateau', 'none'];
const BACKENDS = ['wasm', 'cpu'];

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
  const bad = (field: string, expected: string, found: unknown): never => {
    throw new UsageError(
      `${file}: metadata.config.${field} must be ${expected}, found ${JSON.stringify(found)}; the checkpoint cannot be resumed`,
    );
  };
  const whole = (v: unknown, min: number) => Number.isInteger(v) && (v as number) >= min;
  if (!whole(config.epochs, 1)) bad('epochs', 'an integer ≥ 1', config.epochs);
  if (!whole(config.batchSize, 1)) bad('batchSize', 'an integer ≥ 1', config.batchSize);
  if (!whole(config.seed, 0)) bad('seed', 'an integer ≥ 0', config.seed);
  if (!whole(config.workers, 1)) bad('workers', 'an integer ≥ 1', config.workers);
  if (!OPTIMIZERS.includes(config.optimizer?.name)) {
    bad('optimizer.name', `one of ${OPTIMIZERS.join(', ')}`, config.optimizer?.name);
  }
  const lr = config.optimizer.lr;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) {
    bad('optimizer.lr', 'a number > 0', lr);
  }
  if (!SCHEDULERS.includes(config.scheduler?.name)) {
    bad('scheduler.name', `one of ${SCHEDULERS.join(', ')}`, config.scheduler?.name);
  }
  const smoothing = config.labelSmoothing;
  if (
    smoothing !== undefined &&
    !(typeof smoothing === 'number' && smoothing >= 0 && smoothing < 1)
  ) {
    bad('labelSmoothing', 'a number in [0, 1) or absent', smoothing);
  }
  if (!BACKENDS.includes(config.backend)) {
    bad('backend', `one of ${BACKENDS.join(', ')}`, config.backend);
  }
  for (const key of ['limit', 'testLimit'] as const) {
    if (config[key] !== undefined && config[key] !== null && !whole(config[key], 1)) {
      bad(key, 'an integer ≥ 1 or absent', config[key]);
    }
  }
  return config;
}

/**
 * Refuses a training state that cannot continue the run `config` describes: one that already
 * finished every epoch, or one whose position lies outside the schedule (an edited file).
 */
export function checkResumable(state: TrainingState, config: TrainConfig, dir: string): void {
  const file = join(dir, 'model.json');
  if (state.epochs !== config.epochs || state.batchSize !== config.batchSize) {
    throw new UsageError(
      `${file}: training state (${plural(state.epochs, 'epoch')}, batch size ${state.batchSize}) does not match metadata.config (${plural(config.epochs, 'epoch')}, batch size ${config.batchSize}); the checkpoint cannot be resumed`,
    );
  }
  if (
    state.epoch < 0 ||
    state.epoch > config.epochs ||
    (state.epoch === config.epochs && state.batch > 0)
  ) {
    throw new UsageError(
      `${file}: training.epoch ${state.epoch} (batch ${state.batch}) lies outside the run's ${plural(config.epochs, 'epoch')}; the checkpoint cannot be resumed`,
    );
  }
  if (state.epoch === config.epochs) {
    throw new UsageError(
      `--resume ${dir}: the run already finished all ${plural(config.epochs, 'epoch')}, nothing to resume; start a new run with --out, or evaluate it with s4 evaluate --checkpoint ${dir}`,
    );
  }
}
