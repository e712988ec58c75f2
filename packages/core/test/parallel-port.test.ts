import { MessageChannel } from 'node:worker_threads';
import type { MnistData } from '@s4/mnist-data';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend';
import { type FitOptions, fit } from '../src/fit';
import type { Sequential } from '../src/nn/sequential';
import { SGD } from '../src/optim/sgd';
import { serveParallelWorker } from '../src/parallel/worker-handler';
import type { WorkerPort, WorkerPortEvent } from '../src/parallel/worker-port';
import { loadSubset } from './mnist';
import { plainNet } from './train-helpers';

// WorkerPool sees its workers only through `WorkerPort`, the browser Worker's shape; browsers
// start module Workers running `serveParallelWorker(self)` (the docs' train demo, tested in
// Chromium by apps/docs/test). Here both ends are browser-shaped, over a real MessageChannel
// (structured clone, transferred buffers) with the worker side in this thread: what the pool
// and the worker handler need of the transport, without Node's worker_threads adapter.

let train: MnistData;
beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  train = await loadSubset('train', 600);
});

/** A browser-shaped worker whose other end runs the worker handler in this thread. */
class ChannelWorker implements WorkerPort {
  readonly #channel = new MessageChannel();
  readonly #failures: Array<(event: WorkerPortEvent) => void> = [];
  terminated = false;
  messages = 0;

  constructor() {
    // Node's MessagePort is an EventTarget: the same `addEventListener('message')`/`event.data`
    // a dedicated worker's `self` offers (typed by Node as a plain Event).
    const port = this.#channel.port2;
    serveParallelWorker({
      postMessage: (message, transfer) => port.postMessage(message, transfer),
      addEventListener: (type, listener) =>
        port.addEventListener(type, (event) => listener(event as unknown as { data: unknown })),
    });
  }

  postMessage(message: unknown, transfer: ArrayBuffer[]): void {
    this.messages++;
    this.#channel.port1.postMessage(message, transfer);
  }

  addEventListener(type: string, listener: (event: WorkerPortEvent) => void): void {
    if (type === 'message') {
      this.#channel.port1.addEventListener('message', (event) =>
        listener(event as unknown as WorkerPortEvent),
      );
    } else this.#failures.push(listener);
  }

  /** What a browser reports when a worker's script throws outside any request. */
  crash(message: string): void {
    for (const listener of this.#failures) listener({ message });
  }

  terminate(): void {
    this.terminated = true;
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}

async function run(model: Sequential, extra: Partial<FitOptions>) {
  const optimizer = new SGD(model.namedParameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  try {
    await fit(model, train, {
      epochs: 1,
      batchSize: 100,
      optimizer,
      seed: 3,
      onEvent: (e) => {
        if (e.type === 'batchEnd') losses.push(e.loss);
      },
      ...extra,
    });
  } finally {
    optimizer.dispose();
  }
  return losses;
}

describe('WorkerPool through the browser-shaped WorkerPort', () => {
  it('trains exactly as one worker does, with workers started by createWorker', async () => {
    const workers: ChannelWorker[] = [];
    const single = plainNet(2);
    const parallel = plainNet(2);
    const expected = await run(single, {});
    const losses = await run(parallel, {
      workers: 2,
      createWorker: (index) => {
        expect(index).toBe(workers.length);
        const worker = new ChannelWorker();
        workers.push(worker);
        return worker;
      },
    });
    expect(losses).toHaveLength(6);
    expect(losses.at(-1)!).toBeLessThan(0.8 * losses[0]!);
    for (let i = 0; i < losses.length; i++) {
      expect(Math.abs(losses[i]! - expected[i]!)).toBeLessThan(1e-4 * expected[i]!);
    }
    // Every step went through both ports (init + 6 steps each), and fit closed them.
    expect(workers.map((w) => w.messages)).toEqual([7, 7]);
    expect(workers.every((w) => w.terminated)).toBe(true);
    single.dispose();
    parallel.dispose();
  });

  it("fails training with WORKER_FAILED when a worker reports an 'error' event", async () => {
    const workers: ChannelWorker[] = [];
    const model = plainNet(4);
    const failure = run(model, {
      workers: 2,
      createWorker: () => {
        const worker = new ChannelWorker();
        workers.push(worker);
        return worker;
      },
      onEvent: (e) => {
        if (e.type === 'batchEnd' && e.batch === 2) workers[1]!.crash('out of memory');
      },
    });
    await expect(failure).rejects.toMatchObject({
      code: 'WORKER_FAILED',
      message: expect.stringContaining('data-parallel worker 1: out of memory'),
    });
    expect(workers.every((w) => w.terminated)).toBe(true);
    model.dispose();
  });
});
