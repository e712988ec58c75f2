/**
 * Node entry of a data-parallel training worker (a `worker_threads` thread with its own tfjs
 * engine and wasm backend). Built to `dist/parallel-worker.js`; started by `WorkerPool`.
 */
import { nodeWorkerScope } from './node-worker';
import { serveParallelWorker } from './worker-handler';

serveParallelWorker(nodeWorkerScope());
