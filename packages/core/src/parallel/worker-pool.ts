import { deriveSeed } from '@s4/runtime';
import { toArchitecture } from '../architecture';
import { type BackendName, tf } from '../backend';
import type { PreparedBatch } from '../data/batches';
import { CoreError } from '../errors';
import type { LossKind } from '../losses';
import {
  type FlatLayout,
  flatLayout,
  readState,
  unpackGradients,
  writeBuffers,
  writeParameters,
} from '../nn/flat-state';
import type { Module } from '../nn/module';
import type { Optimizer } from '../optim/optimizer';
import type { BatchPredictions, Stepper } from '../stepper';
import type { GradientResult } from '../train-step';
import type { FromWorker, ShardTask, ToWorker } from './messages';
import { startNodeWorker } from './node-worker';
import { shardBatch } from './shards';
import type { WorkerPort, WorkerPortEvent } from './worker-port';

export interface WorkerPoolOptions {
  /** Threads to start (≥ 1); each holds a model replica and its own tfjs backend. */
  workers: number;
  /** Default: the main thread's current backend. */
  backend?: BackendName;
  loss: LossKind;
  /** ε of the training loss's label smoothing (default 0); evaluation uses the plain loss. */
  labelSmoothing?: number | undefined;
  /** The built worker entry; default `parallel-worker.js` beside this bundle (see `defaultWorkerUrl`). */
  workerUrl?: URL | string;
  /**
   * Starts worker `index` (default: a Node worker_threads thread running `workerUrl`). In a
   * browser: `() => new Worker(new URL('./my-worker.ts', import.meta.url), { type: 'module' })`,
   * a module worker whose script calls `serveParallelWorker(self, { wasmPaths })`.
   */
  createWorker?: ((index: number) => WorkerPort) | undefined;
}

/** `GradientResult` with flat gradients (layout order) and the weights they were taken at. */
export interface FlatGradientResult extends Omit<GradientResult, 'grads'> {
  grads: Float32Array;
  /** The parameters the workers received (layout order); `applyFlatGradients` updates them. */
  parameters: Float32Array;
}

// Mixed into the Dropout generators' states to advance them once per step (see #dropoutStates).
const STREAM_WORKER_DROPOUT = 3;
const ADVANCE = 0xffff;

/**
 * `dist/parallel-worker.js` of this package: beside the running bundle, or (when running from
 * the TypeScript sources under vitest/tsx) in the package's dist folder, which must be built.
 */
export function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return /\.ts$/.test(here)
    ? new URL('../../dist/parallel-worker.js', here)
    : new URL('./parallel-worker.js', here);
}

interface Pending {
  resolve: (message: FromWorker) => void;
  reject: (error: Error) => void;
}

/**
 * Synchronous data-parallel training on `worker_threads` or browser Web Workers (see
 * `WorkerPort`). Every step the batch is split into one
 * contiguous shard per worker; each worker loads the current weights, runs forward and backward
 * on its shard and returns its mean-loss gradients as one flat Float32Array. The main thread
 * averages them weighted by shard size, which is exactly the gradient of the whole batch's mean
 * loss (up to float rounding), and applies it with its own optimizer.
 *
 * BatchNorm: each worker normalises with its own shard's statistics (as PyTorch's
 * DistributedDataParallel does without SyncBatchNorm), so with BatchNorm the result matches
 * single-worker training in expectation, not bit for bit. The running mean and variance each
 * replica computes from its shard are averaged (weighted by shard size) into the main model:
 * the mean is then exactly the running mean of the full batch; the variance is the mean of the
 * shard variances, which leaves out the (small) spread between shard means.
 *
 * Dropout: each worker draws its masks from a generator seeded from the main model's Dropout
 * state and its worker index; the main state then advances once per step, so a run is
 * reproducible for a given number of workers and resumes exactly.
 */
export class WorkerPool {
  readonly size: number;
  readonly layout: FlatLayout;
  readonly #workers: WorkerPort[];
  readonly #pending: Array<Pending | undefined>;
  #failure: Error | undefined;
  #nextId = 1;
  #closed = false;

  private constructor(workers: WorkerPort[], layout: FlatLayout) {
    this.#workers = workers;
    this.#pending = workers.map(() => undefined);
    this.size = workers.length;
    this.layout = layout;
    workers.forEach((worker, index) => {
      worker.addEventListener('message', (event) => {
        const pending = this.#pending[index];
        this.#pending[index] = undefined;
        pending?.resolve(event.data as FromWorker);
      });
      const fail = (event: WorkerPortEvent) => {
        if (this.#closed) return;
        const error =
          event.error instanceof Error
            ? event.error
            : new Error(event.message || 'the worker failed (is its script served?)');
        this.#fail(index, error);
      };
      worker.addEventListener('error', fail);
      worker.addEventListener('messageerror', fail);
    });
  }

  /** Starts the workers and builds a replica of `model` (a Sequential) in each. */
  static async start(model: Module, options: WorkerPoolOptions): Promise<WorkerPool> {
    const count = options.workers;
    if (!(Number.isInteger(count) && count >= 1)) {
      throw new CoreError('BAD_ARGUMENT', `workers: expected an integer >= 1, found ${count}`);
    }
    const architecture = toArchitecture(model);
    const createWorker = options.createWorker;
    const url = createWorker ? 'createWorker' : (options.workerUrl ?? defaultWorkerUrl());
    const layout = flatLayout(model);
    const backend = options.backend ?? (tf.getBackend() as BackendName);
    const workers = Array.from({ length: count }, (_, index) =>
      createWorker ? createWorker(index) : startNodeWorker(url),
    );
    const pool = new WorkerPool(workers, layout);
    try {
      await Promise.all(
        workers.map((_, index) =>
          pool.#request(index, {
            type: 'init',
            architecture,
            backend,
            loss: options.loss,
            labelSmoothing: options.labelSmoothing ?? 0,
            layout,
          }),
        ),
      );
    } catch (error) {
      await pool.close();
      throw new CoreError(
        'WORKER_FAILED',
        `could not start ${count} data-parallel workers from ${String(url)}: ${(error as Error).message}` +
          (/parallel-worker\.js/.test(String((error as Error).message))
            ? ' (build it first: pnpm --filter @s4/core build)'
            : ''),
        { cause: error },
      );
    }
    return pool;
  }

  #fail(index: number, error: Error): void {
    const failure = new CoreError(
      'WORKER_FAILED',
      `data-parallel worker ${index}: ${error.message}`,
      { cause: error },
    );
    this.#failure ??= failure;
    for (let i = 0; i < this.#pending.length; i++) {
      const pending = this.#pending[i];
      this.#pending[i] = undefined;
      pending?.reject(failure);
    }
  }

  #request(index: number, message: ToWorker, transfer: ArrayBuffer[] = []): Promise<FromWorker> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed)
      return Promise.reject(new CoreError('WORKER_FAILED', 'the worker pool is closed'));
    return new Promise<FromWorker>((resolve, reject) => {
      this.#pending[index] = {
        resolve: (reply) => {
          if (reply.type === 'error') {
            reject(
              new CoreError(
                reply.code ?? 'WORKER_FAILED',
                `data-parallel worker ${index}: ${reply.message}`,
              ),
            );
          } else resolve(reply);
        },
        reject,
      };
      this.#workers[index]!.postMessage(message, transfer);
    });
  }

  /**
   * Sends worker k its task on shard k with the model's `state` (a copy each, the last worker the
   * original), every array in the transfer list; resolves with the replies in shard order.
   */
  #requestShards(
    shards: PreparedBatch[],
    state: Float32Array,
    task: (k: number) => ShardTask,
  ): Promise<FromWorker[]> {
    return Promise.all(
      shards.map((shard, k) => {
        const copy = k === shards.length - 1 ? state : state.slice();
        const { x, labels, size, rows, cols } = shard;
        return this.#request(
          k,
          { ...task(k), id: this.#nextId++, state: copy, x, labels, size, rows, cols },
          [copy.buffer as ArrayBuffer, x.buffer as ArrayBuffer, labels.buffer as ArrayBuffer],
        );
      }),
    );
  }

  /** Per-worker Dropout states for this step; advances the model's own states once. */
  #dropoutStates(model: Module, shards: number): Array<Record<string, number>> {
    const base = model.getRngState();
    const keys = Object.keys(base);
    const perWorker = Array.from({ length: shards }, (_, k) =>
      Object.fromEntries(
        keys.map((key) => [key, deriveSeed(base[key]!, STREAM_WORKER_DROPOUT, k)]),
      ),
    );
    if (keys.length > 0) {
      model.setRngState(
        Object.fromEntries(keys.map((key) => [key, deriveSeed(base[key]!, ADVANCE)])),
      );
    }
    return perWorker;
  }

  /**
   * The gradients of `batch`'s mean loss at `model`'s current weights, computed across the
   * workers (see the class comment), as `computeGradients` returns them; `model`'s buffers
   * (BatchNorm running statistics) are updated as a training forward pass would.
   */
  async computeGradients(model: Module, batch: PreparedBatch): Promise<GradientResult> {
    const { loss, correct, size, grads } = await this.computeFlatGradients(model, batch);
    return { loss, correct, size, grads: unpackGradients(grads, this.layout) };
  }

  /**
   * `computeGradients` without tensors: the averaged gradients flat in layout order, with the
   * parameters they were taken at (a copy of the weights the workers received), ready for
   * `applyFlatGradients`.
   */
  async computeFlatGradients(model: Module, batch: PreparedBatch): Promise<FlatGradientResult> {
    const shards = shardBatch(batch, this.size);
    const state = readState(model, this.layout);
    const parameters = state.slice(0, this.layout.parameterSize);
    const rng = this.#dropoutStates(model, shards.length);
    const replies = await this.#requestShards(shards, state, (k) => ({
      type: 'gradients',
      rng: rng[k]!,
    }));
    const grads = new Float32Array(this.layout.parameterSize);
    const buffers = new Float32Array(this.layout.stateSize - this.layout.parameterSize);
    let lossSum = 0;
    let correct = 0;
    for (const reply of replies) {
      if (reply.type !== 'gradients')
        throw new CoreError('WORKER_FAILED', `unexpected reply ${reply.type}`);
      const weight = reply.size / batch.size;
      for (let i = 0; i < grads.length; i++) grads[i]! += weight * reply.grads[i]!;
      for (let i = 0; i < buffers.length; i++) buffers[i]! += weight * reply.buffers[i]!;
      lossSum += reply.loss * reply.size;
      correct += reply.correct;
    }
    if (buffers.length > 0) writeBuffers(model, this.layout, buffers);
    return { loss: lossSum / batch.size, correct, size: batch.size, grads, parameters };
  }

  /**
   * `optimizer.stepFlat` on a `computeFlatGradients` result (its `parameters` are updated in
   * place), then the new weights into `model`: the data-parallel step's update without a
   * tfjs kernel.
   */
  applyFlatGradients(model: Module, optimizer: Optimizer, result: FlatGradientResult): void {
    optimizer.stepFlat(result.parameters, result.grads, this.layout.parameters);
    writeParameters(model, this.layout, result.parameters);
  }

  /**
   * This pool as `fit`'s `Stepper` for `model` and `optimizer`: gradients across the workers,
   * the update on the main thread; evaluation across the workers too. Closing it closes the pool.
   */
  stepper(model: Module, optimizer: Optimizer): Stepper {
    return {
      step: async (batch) => {
        const result = await this.computeFlatGradients(model, batch);
        if (Number.isFinite(result.loss)) this.applyFlatGradients(model, optimizer, result);
        return { loss: result.loss, correct: result.correct, size: result.size };
      },
      predict: (batch) => this.predict(model, batch),
      close: () => this.close(),
    };
  }

  /** Eval-mode forward of `batch` across the workers: per-example losses and predictions. */
  async predict(model: Module, batch: PreparedBatch): Promise<BatchPredictions> {
    const shards = shardBatch(batch, this.size);
    const state = readState(model, this.layout);
    const replies = await this.#requestShards(shards, state, () => ({ type: 'predict' }));
    const losses = new Float32Array(batch.size);
    const predictions = new Int32Array(batch.size);
    let offset = 0;
    for (const reply of replies) {
      if (reply.type !== 'predict')
        throw new CoreError('WORKER_FAILED', `unexpected reply ${reply.type}`);
      losses.set(reply.losses, offset);
      predictions.set(reply.predictions, offset);
      offset += reply.losses.length;
    }
    return { losses, predictions };
  }

  /** Stops every worker (idempotent); pending requests reject. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (let i = 0; i < this.#pending.length; i++) {
      const pending = this.#pending[i];
      this.#pending[i] = undefined;
      pending?.reject(new CoreError('WORKER_FAILED', 'the worker pool was closed'));
    }
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
