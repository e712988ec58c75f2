/// <reference lib="webworker" />
/**
 * One data-parallel gradient worker of the train demo, started by the training worker (see
 * train-worker.ts) when more than one worker is chosen: @s4/core's `WorkerPool` sends it the
 * current weights and a shard of every batch, it returns the shard's gradients.
 */
import { serveParallelWorker } from '@s4/core/parallel';
import { wasmUrl } from './site-urls';

declare const self: DedicatedWorkerGlobalScope;

// A worker fetches its own wasm binaries; `wasmUrl()` resolves against this script's URL,
// which is on the site's origin. One wasm thread (the unthreaded build, on which S4's kernels
// run): the workers are the parallelism.
serveParallelWorker(self, { wasmPaths: wasmUrl(), threads: 1 });
