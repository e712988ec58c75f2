import { availableParallelism, cpus, loadavg } from 'node:os';
import {
  type BackendName,
  evaluate,
  fit,
  initBackend,
  type PreparedBatch,
  SGD,
  sliceDataset,
} from '@s4/core';
import { WorkerPool } from '@s4/core/parallel';
import { loadMnist } from '@s4/mnist-data';
import { createModel, DEFAULT_MODEL } from '@s4/models';
import type { Command } from 'commander';
import { integerAtLeast, integerList, oneOf } from '../cli-options';
import { UsageError } from '../errors';
import { MODEL_OPTION_HELP, resolveModel } from '../model-choice';
import { plural } from '../plural';
import { EpochProgressBar } from '../progress-bar';

interface BenchOptions {
  model: string;
  steps: number;
  warmup: number;
  batchSize: number;
  inferBatchSizes: number[];
  workers?: number;
  backend: BackendName;
  json?: boolean;
}

/** What `s4 bench --json` prints (one line). */
export interface BenchResult {
  model: string;
  backend: BackendName;
  workers: number;
  batchSize: number;
  steps: number;
  trainImagesPerSec: number;
  msPerStep: number;
  /** The fastest of the inference batch sizes tried. */
  inferImagesPerSec: number;
  inferBatchSize: number;
  /** Images/s at every inference batch size tried, keyed by batch size. */
  inferImagesPerSecByBatch: Record<string, number>;
  /**
   * CPU time of the whole process (main thread and workers) per timed step: unlike wall time it
   * barely changes when other processes share the cores, so it shows what parallelism costs.
   */
  cpuMsPerStep: number;
  /** 1-minute load average when the run ended: other processes share these cores. */
  load: number;
}

/**
 * Times `steps` optimizer steps of the model after `warmup` untimed ones, through the same
 * `fit` loop (batch preparation, workers, SGD with Nesterov momentum) that `s4 train` uses, on
 * real MNIST images without augmentation (as `bench/pytorch_reference.py bench` does); then
 * inference (eval mode) over the 10,000 test images with the same workers at each of
 * `inferBatchSizes`, after one untimed pass over two batches, keeping the fastest.
 */
export async function runBench(
  options: BenchOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<BenchResult> {
  const zoo = await resolveModel(options.model);
  const { steps, warmup, batchSize, backend } = options;
  const workers = options.workers ?? availableParallelism();
  await initBackend({ backend });
  const [train, test] = await Promise.all([
    loadMnist({ split: 'train' }),
    loadMnist({ split: 'test' }),
  ]);
  const images = (warmup + steps) * batchSize;
  if (images > train.count) {
    throw new UsageError(
      `--steps ${steps} with --warmup ${warmup} and --batch-size ${batchSize} needs ${images} training images; MNIST has ${train.count}`,
    );
  }
  const model = createModel(zoo, 1);
  const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9, nesterov: true });
  let timedFrom = 0;
  let timedTo = 0;
  let cpuFrom = process.cpuUsage();
  let cpuTo = cpuFrom;
  try {
    await fit(model, sliceDataset(train, 0, images), {
      epochs: 1,
      batchSize,
      optimizer,
      seed: 1,
      workers,
      onEvent: (event) => {
        if (event.type !== 'batchEnd') return;
        if (event.batch === warmup) {
          timedFrom = performance.now();
          cpuFrom = process.cpuUsage();
        }
        if (event.batch === warmup + steps) {
          timedTo = performance.now();
          cpuTo = process.cpuUsage(cpuFrom);
        }
        onProgress?.(event.batch, warmup + steps);
      },
    });
    const trainSeconds = (timedTo - timedFrom) / 1000;
    const pool = workers > 1 ? await WorkerPool.start(model, { workers, loss: 'nll' }) : undefined;
    const inferImagesPerSecByBatch: Record<string, number> = {};
    try {
      const predictBatch = pool
        ? { predictBatch: (b: PreparedBatch) => pool.predict(model, b) }
        : {};
      for (const inferBatch of options.inferBatchSizes) {
        const warmupImages = Math.min(test.count, 2 * inferBatch);
        await evaluate(model, sliceDataset(test, 0, warmupImages), {
          batchSize: inferBatch,
          loss: 'nll',
          ...predictBatch,
        });
        const start = performance.now();
        await evaluate(model, test, { batchSize: inferBatch, loss: 'nll', ...predictBatch });
        inferImagesPerSecByBatch[inferBatch] = test.count / ((performance.now() - start) / 1000);
      }
    } finally {
      await pool?.close();
    }
    const [fastestBatch, fastest] = Object.entries(inferImagesPerSecByBatch).reduce((a, b) =>
      b[1] > a[1] ? b : a,
    );
    return {
      model: zoo.name,
      backend,
      workers,
      batchSize,
      steps,
      trainImagesPerSec: (steps * batchSize) / trainSeconds,
      msPerStep: (1000 * trainSeconds) / steps,
      inferImagesPerSec: fastest,
      inferBatchSize: Number(fastestBatch),
      inferImagesPerSecByBatch,
      cpuMsPerStep: (cpuTo.user + cpuTo.system) / 1000 / steps,
      load: loadavg()[0]!,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

export function register(program: Command): void {
  program
    .command('bench')
    .description(
      'time training steps and test-set inference of a zoo model or a model file (images/s)',
    )
    .option('-m, --model <name|file>', MODEL_OPTION_HELP, DEFAULT_MODEL)
    .option('--steps <n>', 'timed training steps', integerAtLeast(1), 100)
    .option(
      '--warmup <n>',
      'untimed steps first (start-up, allocation, and V8 moving the wasm kernels to its optimizing tier)',
      integerAtLeast(1),
      30,
    )
    .option('-b, --batch-size <n>', 'images per step', integerAtLeast(1), 128)
    .option(
      '--workers <n>',
      'data-parallel workers (default: the number of cores)',
      integerAtLeast(1),
    )
    .option(
      '--infer-batch-sizes <list>',
      'inference batch sizes to time (comma-separated); the fastest is reported',
      integerList(1),
      [128, 256, 1000],
    )
    .option('--backend <name>', 'wasm or cpu', oneOf(['wasm', 'cpu'] as const), 'wasm')
    .option('--json', 'print one JSON line')
    .action(async (options: BenchOptions) => {
      const bar = options.json ? undefined : new EpochProgressBar(process.stderr);
      let started = false;
      const result = await runBench(options, (done, total) => {
        if (!bar) return;
        if (!started) bar.start(total, 'train steps');
        started = true;
        bar.update(done, 'train steps');
      });
      bar?.stop();
      if (options.json) {
        const { load, ...fields } = result;
        console.log(JSON.stringify({ ...fields, load }));
        return;
      }
      const cpu = cpus()[0]?.model ?? 'unknown CPU';
      console.log(
        [
          `${result.model} on ${result.backend}, ${result.workers} worker${result.workers === 1 ? '' : 's'}, batch ${result.batchSize} (${cpu}, load ${result.load.toFixed(2)})`,
          `  training:  ${result.trainImagesPerSec.toFixed(0)} images/s (${result.msPerStep.toFixed(1)} ms per step, ${plural(result.steps, 'step')})`,
          `  CPU time:  ${result.cpuMsPerStep.toFixed(1)} ms per step (all threads)`,
          `  inference: ${result.inferImagesPerSec.toFixed(0)} images/s (10,000 test images, batch ${result.inferBatchSize}, the fastest of ${Object.keys(result.inferImagesPerSecByBatch).join(', ')})`,
        ].join('\n'),
      );
    });
}
