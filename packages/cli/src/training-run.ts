import { performance } from 'node:perf_hooks';
import { type Evaluation, type FitEvent, fit, initBackend, type Module, summary } from '@s4/core';
import {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type TrainingState,
} from '@s4/core/checkpoint';
import { loadMnist, type MnistData } from '@s4/mnist-data';
import { describeRecipe, getZooModel, type PlannedFitOptions, trainingPlan } from '@s4/models';
import { confusionMatrixChart, curvesChart, renderSvg } from './charts';
import { digitGridSvg } from './digit-grid';
import { type EpochMetrics, roundTo, TIME_DECIMALS } from './epoch-metrics';
import { UsageError } from './errors';
import { percent } from './percent';
import { EpochProgressBar } from './progress-bar';
import { checkResumable } from './run-config';
import { RunFolder, readMetrics } from './run-folder';
import type { TrainConfig } from './train-config';

export interface TrainingRunOptions {
  /** The run folder (created if needed; refused when it holds another run, see RunFolder). */
  out: string;
  /** Continue the run in `out` (`resumeFrom` is its `last/`) instead of starting a new one. */
  continueRun?: boolean;
  /** Replace the content of a non-empty `out` (a new run only). */
  overwrite?: boolean;
  /** Continue from this training checkpoint (a run's `last/` folder). */
  resumeFrom?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Where the table, bars and results go (default process.stdout). */
  stdout?: NodeJS.WriteStream;
}

export interface TrainingRunResult {
  status: 'completed' | 'aborted';
  metrics: EpochMetrics[];
  out: string;
}

/** How many misclassified test digits the run's picture shows. */
const MISCLASSIFIED_SHOWN = 60;

/**
 * One `s4 train` run: data, model, optimizer and schedule from the config, the torchsummary
 * table, then @s4/core's `fit` — the only training call of the CLI, so multi-worker training
 * plugs in here — with a tqdm bar per epoch, a test evaluation per epoch and the run folder
 * (metrics.jsonl, summary.txt, train.log, curves, confusion matrix, misclassified digits,
 * `last/` and `best/` checkpoints) updated after every epoch.
 */
export async function runTraining(
  config: TrainConfig,
  options: TrainingRunOptions,
): Promise<TrainingRunResult> {
  const stdout = options.stdout ?? process.stdout;
  const run = await RunFolder.open(options.out, {
    mode: options.continueRun ? 'resume' : 'new',
    overwrite: options.overwrite,
    flag: options.continueRun ? '--resume' : '--out',
  });
  try {
    const result = await trainInFolder(run, config, options, stdout);
    // Interrupted before the first step: nothing to keep.
    if (result.status === 'aborted' && !run.wrote) await run.abandon();
    else await run.close();
    return result;
  } catch (error) {
    await run.abandon();
    throw error;
  }
}

async function trainInFolder(
  run: RunFolder,
  config: TrainConfig,
  options: TrainingRunOptions,
  stdout: NodeJS.WriteStream,
): Promise<TrainingRunResult> {
  const say = (line: string) => stdout.write(`${line}\n`);
  // The config is the recipe after the run's overrides: the plan applies none of its own.
  const plan = trainingPlan({
    ...(config.architecture
      ? {
          name: config.model,
          title: `the model file ${config.modelFile ?? ''}`,
          architecture: config.architecture,
        }
      : getZooModel(config.model)),
    recipe: config,
  });
  await initBackend({ backend: config.backend });

  const [train, test] = await Promise.all([
    loadMnist({ split: 'train', limit: config.limit }),
    loadMnist({ split: 'test', limit: config.testLimit }),
  ]);

  if (config.batchSize > train.count) {
    throw new UsageError(
      `--batch-size ${config.batchSize}: expected at most the ${train.count} training images of this run`,
    );
  }

  let model: Module;
  let resume: TrainingState | undefined;
  let releaseResume = () => {};
  if (options.resumeFrom) {
    const loaded = await loadTrainingCheckpoint(options.resumeFrom);
    model = loaded.model;
    resume = loaded.state;
    releaseResume = () => loaded.dispose();
    try {
      checkResumable(resume, config, options.resumeFrom);
    } catch (error) {
      releaseResume();
      model.dispose();
      throw error;
    }
  } else {
    model = plan.createNetwork();
  }

  const table = summary(model, [1, 28, 28]).text;
  const metrics = (await readMetrics(run.dir)).slice(0, resume?.epoch ?? 0);
  const header = [
    options.resumeFrom
      ? `Resuming ${config.model} from ${options.resumeFrom} (epoch ${(resume?.epoch ?? 0) + 1} of ${config.epochs}, batch ${(resume?.batch ?? 0) + 1})`
      : `Training ${config.model}: ${plan.title}`,
    `Recipe: ${describeRecipe(config)}`,
    `Data: ${train.count} training images (${train.source.kind}), ${test.count} test images; backend ${config.backend}, ${config.workers} worker${config.workers === 1 ? '' : 's'}; seed ${config.seed}`,
    `Run folder: ${run.dir}`,
  ];
  say(table.trimEnd());
  for (const line of header) say(line);
  // The folder is written once training has really started: a run that fails before (a bad
  // checkpoint, a schedule that cannot be built) leaves it as it was.
  let started = false;
  const start = async () => {
    if (started) return;
    started = true;
    await run.writeText('summary.txt', table);
    await run.log(
      `# ${new Date().toISOString()} s4 train ${JSON.stringify(config)}`,
      ...table.trimEnd().split('\n'),
      ...header,
    );
  };

  let fitOptions: PlannedFitOptions;
  try {
    fitOptions = plan.fitOptions(model, train.count);
  } catch (error) {
    releaseResume();
    model.dispose();
    throw error;
  }
  const metadata = { model: config.model, config, createdBy: '@s4/cli s4 train' };
  const sessionStart = performance.now();
  // Wall time of earlier sessions: up to the last finished epoch, plus the interrupted epoch's part.
  const elapsedBefore = (metrics.at(-1)?.elapsedSeconds ?? 0) + (resume?.partial.seconds ?? 0);
  let bestAccuracy = Math.max(-1, ...metrics.map((m) => m.testAccuracy));
  let latestIsBest = false;

  const bar = new EpochProgressBar(stdout);
  let epochCorrect = 0;
  let epochSeen = 0;
  // Throughput of the epoch's training steps (fit's epoch seconds also include evaluation).
  let trainImagesPerSec = 0;
  const onEvent = async (event: FitEvent) => {
    await start();
    if (event.type === 'batchEnd') {
      if (epochSeen === 0) bar.start(event.batches, '', event.batch - 1);
      const size = Math.min(config.batchSize, train.count - (event.batch - 1) * config.batchSize);
      epochCorrect += event.accuracy * size;
      epochSeen += size;
      trainImagesPerSec = event.imagesPerSec;
      bar.update(
        event.batch,
        `loss=${event.loss.toFixed(4)} batch_id=${event.batch - 1} acc=${((100 * epochCorrect) / epochSeen).toFixed(2)}`,
      );
    } else if (event.type === 'epochEnd') {
      const barLine = bar.stop();
      epochCorrect = 0;
      epochSeen = 0;
      const evaluation = event.test as Evaluation;
      const resultLine = `Test set: Average loss: ${evaluation.loss.toFixed(4)}, Accuracy: ${evaluation.correct}/${evaluation.total} (${(100 * evaluation.accuracy).toFixed(2)}%)`;
      say(resultLine);
      const m: EpochMetrics = {
        epoch: event.epoch,
        trainLoss: event.trainLoss,
        trainAccuracy: percent(event.trainAccuracy),
        testLoss: evaluation.loss,
        testAccuracy: percent(evaluation.accuracy),
        testCorrect: evaluation.correct,
        testCount: evaluation.total,
        lr: event.lr,
        seconds: roundTo(
          trainImagesPerSec > 0 ? train.count / trainImagesPerSec : event.seconds,
          TIME_DECIMALS,
        ),
        trainImagesPerSec: roundTo(trainImagesPerSec, 1),
        elapsedSeconds: roundTo(
          elapsedBefore + (performance.now() - sessionStart) / 1000,
          TIME_DECIMALS,
        ),
      };
      metrics.push(m);
      latestIsBest = m.testAccuracy > bestAccuracy;
      if (latestIsBest) bestAccuracy = m.testAccuracy;
      await run.log(`Epoch ${event.epoch}/${config.epochs}`, barLine, resultLine);
      await run.writeMetrics(metrics);
      await writeRunImages(run, config.model, metrics, evaluation, test);
    } else {
      bar.stop();
      epochCorrect = 0;
      epochSeen = 0;
    }
  };

  let status: 'completed' | 'aborted';
  try {
    // `workers` > 1: data-parallel across worker threads (see @s4/core's WorkerPool).
    const result = await fit(model, train, {
      ...fitOptions,
      workers: config.workers,
      testData: test,
      signal: options.signal,
      resume,
      onEvent,
      onCheckpoint: async (state, reason) => {
        await start();
        run.markWritten();
        releaseResume();
        releaseResume = () => {};
        await saveTrainingCheckpoint(run.path('last'), model, state, { metadata });
        if (reason === 'epoch' && latestIsBest) {
          await saveTrainingCheckpoint(run.path('best'), model, state, { metadata });
        }
      },
    });
    status = result.status;
  } finally {
    releaseResume();
    model.dispose();
  }
  if (status === 'aborted' && !run.wrote) {
    say('Interrupted before the first step: nothing was saved.');
  } else if (status === 'aborted') {
    const line = `Interrupted: saved a resumable checkpoint in ${run.path('last')}. Continue with: s4 train --resume ${run.dir}`;
    say(line);
    await run.log(line);
  } else {
    const final = metrics.at(-1);
    const best = metrics.reduce(
      (a, b) => (b.testAccuracy > a.testAccuracy ? b : a),
      metrics[0] as EpochMetrics,
    );
    if (final) {
      const line = `Done: final test accuracy ${final.testAccuracy.toFixed(2)}% (epoch ${final.epoch}), best ${best.testAccuracy.toFixed(2)}% (epoch ${best.epoch}), ${formatDuration(final.elapsedSeconds)} in total. Run folder: ${run.dir}`;
      say(line);
      await run.log(line);
    }
  }
  return { status, metrics, out: run.dir };
}

/** Curves, confusion matrix and misclassified digits of the latest epoch, as SVG and PNG. */
async function writeRunImages(
  run: RunFolder,
  modelName: string,
  metrics: readonly EpochMetrics[],
  evaluation: Evaluation,
  test: MnistData,
): Promise<void> {
  const last = metrics.at(-1) as EpochMetrics;
  await run.writeImage(
    'curves',
    renderSvg(curvesChart(metrics, `${modelName}: loss and accuracy per epoch`)),
  );
  await run.writeImage(
    'confusion-matrix',
    renderSvg(
      confusionMatrixChart(evaluation.confusion, {
        title: `${modelName}, epoch ${last.epoch}: ${evaluation.correct}/${evaluation.total} test images right`,
      }),
    ),
  );
  const pixels = test.rows * test.cols;
  const shown = evaluation.misclassified.slice(0, MISCLASSIFIED_SHOWN).map((index) => ({
    pixels: test.images.subarray(index * pixels, (index + 1) * pixels),
    actual: test.labels[index] as number,
    predicted: evaluation.predictions[index] as number,
  }));
  await run.writeImage(
    'misclassified',
    digitGridSvg(shown, {
      title: `${modelName}, epoch ${last.epoch}: ${evaluation.misclassified.length} misclassified test digits (true → predicted)${evaluation.misclassified.length > shown.length ? `, first ${shown.length} shown` : ''}`,
      imageHeight: test.rows,
      imageWidth: test.cols,
    }),
  );
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}
