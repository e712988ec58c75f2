import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackendName } from '@s4/core';
import { recoverCheckpoint } from '@s4/core/checkpoint';
import { applyOverrides, DEFAULT_MODEL, type OptimizerName, type SchedulerName } from '@s4/models';
import type { Command } from 'commander';
import { integerAtLeast, integerBetween, oneOf, positiveNumber, seedList } from '../cli-options';
import { UsageError } from '../errors';
import { MODEL_OPTION_HELP, resolveModel } from '../model-choice';
import { whenOutputCloses } from '../output-errors';
import { readRunConfig } from '../run-config';
import { trainSeeds } from '../seeds-run';
import type { SeedsSummary } from '../seeds-summary';
import type { TrainConfig } from '../train-config';
import { trainSummary } from '../train-summary';
import { runTraining, type TrainingRunResult } from '../training-run';

interface TrainOptions {
  model: string;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  optimizer?: OptimizerName;
  scheduler?: SchedulerName;
  seed?: number;
  seeds?: number[];
  augment?: boolean;
  limit?: number;
  testLimit?: number;
  workers?: number;
  backend: BackendName;
  out?: string;
  resume?: string;
  overwrite?: boolean;
  json?: boolean;
}

/** MNIST's training set: no batch can be larger. */
const TRAINING_IMAGES = 60_000;
/** Data-parallel workers beyond a few per core only cost memory (each holds a model copy). */
const MAX_WORKERS = availableParallelism() * 2;

/** The run's settings: the model's recipe, overridden by the options given. */
export async function trainConfigFromOptions(options: TrainOptions): Promise<TrainConfig> {
  const zoo = await resolveModel(options.model);
  const file = 'file' in zoo ? { modelFile: zoo.file, architecture: [...zoo.architecture] } : {};
  const recipe = applyOverrides(zoo.recipe, options);
  return {
    model: zoo.name,
    ...file,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    optimizer: recipe.optimizer,
    scheduler: recipe.scheduler,
    augment: recipe.augment,
    ...(recipe.labelSmoothing ? { labelSmoothing: recipe.labelSmoothing } : {}),
    seed: recipe.seed,
    limit: options.limit,
    testLimit: options.testLimit,
    workers: options.workers ?? availableParallelism(),
    backend: options.backend,
  };
}

const timestamp = () =>
  new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

/** Options that change the result of a run, so a resumed run cannot take them. */
const RUN_SHAPING = [
  'model',
  'epochs',
  'batchSize',
  'lr',
  'optimizer',
  'scheduler',
  'seed',
  'seeds',
  'augment',
  'limit',
  'testLimit',
] as const;

export function register(program: Command): void {
  program
    .command('train')
    .description(
      'train a zoo model or your own model file on MNIST, with a progress bar, a test evaluation per epoch and a run folder',
    )
    .option('-m, --model <name|file>', MODEL_OPTION_HELP, DEFAULT_MODEL)
    .option('-e, --epochs <n>', "epochs (default: the model's recipe)", integerAtLeast(1))
    .option(
      '-b, --batch-size <n>',
      'images per optimizer step',
      integerBetween(1, TRAINING_IMAGES, 'the size of the MNIST training set'),
    )
    .option('--lr <x>', 'learning rate (the peak for onecycle)', positiveNumber)
    .option('--optimizer <name>', 'sgd, adam or adamw', oneOf(['sgd', 'adam', 'adamw'] as const))
    .option(
      '--scheduler <name>',
      'onecycle, step, plateau or none',
      oneOf(['onecycle', 'step', 'plateau', 'none'] as const),
    )
    .option(
      '--seed <n>',
      'seed of weights, data order, augmentation and dropout',
      integerAtLeast(0),
    )
    .option(
      '--seeds <list>',
      'train once per seed (e.g. 1,2,3): a run folder per seed, and seeds.json, seeds.md and seeds-curves.svg/png summing them up',
      seedList,
    )
    .option('--augment', "random rotation as in the model's recipe (default)")
    .option('--no-augment', 'no augmentation')
    .option('--limit <n>', 'train on the first N training images only', integerAtLeast(1))
    .option('--test-limit <n>', 'evaluate on the first N test images only', integerAtLeast(1))
    .option(
      '--workers <n>',
      'data-parallel workers (default: the number of cores)',
      integerBetween(1, MAX_WORKERS, `two per core on this machine`),
    )
    .option('--backend <name>', 'wasm or cpu', oneOf(['wasm', 'cpu'] as const), 'wasm')
    .option('-o, --out <dir>', 'run folder (default runs/<model>-<timestamp>)')
    .option('--resume <dir>', 'continue an interrupted run (its folder, or a checkpoint folder)')
    .option('--overwrite', 'replace the content of a non-empty --out folder (a finished run)')
    .option(
      '--json',
      'print a JSON summary when the run ends (status, run folder, final and best epoch, accuracies in percent); the progress goes to stderr',
    )
    .action(async (options: TrainOptions, command: Command) => {
      const controller = new AbortController();
      // Exit status of an interrupted run: 128 + the signal's number, as shells report it.
      let interruptedStatus = 130;
      const stop = (status: number, why: string) => {
        if (controller.signal.aborted) process.exit(status);
        interruptedStatus = status;
        process.stderr.write(`\n${why}: stopping after this batch to save a checkpoint…\n`);
        controller.abort();
      };
      const onSigint = () => stop(130, 'Interrupted (Ctrl-C again to quit now)');
      const onSigterm = () => stop(143, 'Terminated (SIGTERM again to quit now)');
      const onOutputClosed = () => stop(141, 'The output was closed (a pipe reader exited)');
      let config: TrainConfig;
      let out: string;
      let resumeFrom: string | undefined;
      let continueRun = false;
      if (options.resume) {
        const given = RUN_SHAPING.filter((key) => command.getOptionValueSource(key) === 'cli');
        if (given.length > 0) {
          throw new UsageError(
            `--resume continues a run with its own settings; drop ${given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')}`,
          );
        }
        const located = await locateCheckpoint(options.resume);
        resumeFrom = located.checkpoint;
        const saved = await readRunConfig(resumeFrom);
        config = {
          ...saved,
          workers: options.workers ?? Math.min(saved.workers, MAX_WORKERS),
          backend:
            command.getOptionValueSource('backend') === 'cli' ? options.backend : saved.backend,
        };
        // A run folder continues in place; a checkpoint folder (e.g. a run's best/) starts a
        // new run folder, so the run it came from is never written to.
        out = options.out ?? located.runFolder ?? join('runs', `${config.model}-${timestamp()}`);
        continueRun =
          located.runFolder !== undefined && resolve(out) === resolve(located.runFolder);
      } else {
        if (options.seeds && options.seed !== undefined) {
          throw new UsageError('--seed and --seeds exclude each other; give the seeds to --seeds');
        }
        config = await trainConfigFromOptions(options);
        out =
          options.out ??
          join('runs', `${config.model}-${options.seeds ? 'seeds-' : ''}${timestamp()}`);
      }
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      whenOutputCloses(onOutputClosed);
      // With --json, stdout carries the JSON summary only.
      const progress = options.json ? process.stderr : process.stdout;
      try {
        const result: TrainingRunResult & { seeds?: SeedsSummary | undefined } = options.seeds
          ? await trainSeeds(config, options.seeds, {
              out,
              overwrite: options.overwrite,
              signal: controller.signal,
              stdout: progress,
            })
          : await runTraining(config, {
              out,
              resumeFrom,
              continueRun,
              overwrite: options.overwrite,
              signal: controller.signal,
              stdout: progress,
            });
        if (options.json) {
          const summary = trainSummary(config.model, result, result.seeds);
          process.stdout.write(`${JSON.stringify(summary)}\n`);
        }
        if (result.status === 'aborted') process.exitCode = interruptedStatus;
        if (result.status === 'aborted' && interruptedStatus === 141) {
          // stdout is gone: say where the checkpoint is on stderr.
          process.stderr.write(
            `Saved a resumable checkpoint in ${join(result.out, 'last')}; continue with: s4 train --resume ${result.out}\n`,
          );
        }
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
        whenOutputCloses(undefined);
      }
    });
}

/**
 * The checkpoint `--resume dir` names: `dir/last` of a run folder, or `dir` itself when it is a
 * checkpoint folder — then `runFolder` is its parent only when `dir` is that run's `last/`.
 */
async function locateCheckpoint(
  dir: string,
): Promise<{ checkpoint: string; runFolder: string | undefined }> {
  const exists = async (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );
  if (dir.trim() === '') {
    throw new UsageError('--resume: expected a run folder or a checkpoint folder, found ""');
  }
  // A crash during a save may have left last/ under a hidden name: loading puts it back.
  await recoverCheckpoint(join(dir, 'last'));
  await recoverCheckpoint(dir);
  if (await exists(join(dir, 'model.json'))) {
    const parent = dirname(resolve(dir));
    const isLast =
      basename(resolve(dir)) === 'last' && (await exists(join(parent, 'metrics.jsonl')));
    return { checkpoint: dir, runFolder: isLast ? parent : undefined };
  }
  if (await exists(join(dir, 'last', 'model.json'))) {
    return { checkpoint: join(dir, 'last'), runFolder: dir };
  }
  throw new UsageError(
    `--resume ${dir}: expected a run folder with last/model.json or a checkpoint folder with model.json, found neither`,
  );
}
