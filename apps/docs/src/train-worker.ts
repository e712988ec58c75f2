/// <reference lib="webworker" />
/**
 * The training demos' Web Worker: loads MNIST from the site, builds a zoo model (the train demo)
 * or a designed network given as a model file (the design page) and trains it with
 * @s4/core's `fit` on the wasm backend, reporting every batch, so the page stays responsive.
 * With N > 1 workers chosen, it starts N gradient workers (gradient-worker.ts) and `fit` splits
 * every batch across them, keeping the optimizer here.
 */
import { fit, initBackend } from '@s4/core';
import { loadMnist } from '@s4/mnist-data';
import { modelFromJson, trainingPlan } from '@s4/models';
import { loadMnistSubset } from './mnist-subset';
import { MNIST_SUBSET } from './mnist-subset-spec';
import type { TrainControl, TrainMessage, TrainRequest } from './train-protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: TrainMessage) => self.postMessage(message);

// Vite bundles the nested worker from this literal `new URL(…, import.meta.url)`; the options
// must be literal too.
const startGradientWorker = () =>
  new Worker(new URL('./gradient-worker.ts', import.meta.url), {
    type: 'module',
    name: 's4-gradients',
  });

let abort: AbortController | undefined;
let paused: { promise: Promise<void>; resume: () => void } | undefined;

self.addEventListener('message', (event: MessageEvent<TrainRequest | TrainControl>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      train(message).catch((error: unknown) =>
        post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
      );
      break;
    case 'pause':
      if (paused === undefined) {
        let resume = () => {};
        const promise = new Promise<void>((resolve) => {
          resume = resolve;
        });
        paused = { promise, resume };
      }
      break;
    case 'resume':
      paused?.resume();
      paused = undefined;
      post({ type: 'resumed' });
      break;
    case 'stop':
      abort?.abort();
      paused?.resume();
      paused = undefined;
      break;
  }
});

async function train(request: TrainRequest): Promise<void> {
  abort = new AbortController();
  // A model file is checked here too, before any download: the worker trusts no page (errors name the layer).
  const chosen =
    typeof request.model === 'string'
      ? request.model
      : modelFromJson(request.model, 'the designed network');
  // The recipe's schedule, compressed into the demo's few epochs.
  const plan = trainingPlan(chosen, {
    epochs: request.epochs,
    batchSize: request.batchSize,
  });
  post({ type: 'status', text: 'Starting tfjs on the wasm backend…' });
  // One wasm thread: the unthreaded SIMD build, on which S4's kernels run (see `threads`).
  const info = await initBackend({ backend: 'wasm', wasmPaths: request.wasmUrl, threads: 1 });
  post({ type: 'status', text: 'Loading MNIST from this site (SHA-256 checked)…' });
  // Runs within the subset the site cuts at build time download ~1 MB, not the full 11 MB.
  const load = (split: 'train' | 'test', limit: number) =>
    limit <= MNIST_SUBSET[split].count
      ? loadMnistSubset(split, request.mnistSubsetUrl, limit)
      : loadMnist({ split, baseUrl: request.mnistUrl, limit });
  const [trainData, testData] = await Promise.all([
    load('train', request.trainCount),
    load('test', request.testCount),
  ]);
  const model = plan.createNetwork();
  const fitOptions = plan.fitOptions(model, trainData.count);
  const stepsPerEpoch = Math.ceil(trainData.count / request.batchSize);
  post({
    type: 'ready',
    model: plan.name,
    parameters: model.numParameters(),
    backend: info.backend,
    simd: info.simd,
    threads: self.crossOriginIsolated,
    workers: request.workers,
    totalSteps: stepsPerEpoch * request.epochs,
  });
  let steps = 0;
  try {
    const result = await fit(model, trainData, {
      ...fitOptions,
      ...(request.workers > 1
        ? { workers: request.workers, createWorker: startGradientWorker }
        : {}),
      testData,
      signal: abort.signal,
      async onEvent(event) {
        if (event.type === 'batchEnd') {
          steps = event.step;
          const { type: _, ...progress } = event;
          post({ type: 'batch', ...progress });
          // Pausing holds fit between two batches until the page resumes (or stops) it.
          if (paused !== undefined) {
            post({ type: 'paused' });
            await paused.promise;
          }
        } else if (event.type === 'epochEnd') {
          // The summary without the full test evaluation (confusion matrix, misclassified images).
          const { type: _, test: __, ...summary } = event;
          post({ type: 'epoch', ...summary });
        }
      },
    });
    post({ type: 'done', status: result.status, steps });
  } finally {
    model.dispose();
  }
}
