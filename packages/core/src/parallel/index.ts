// `@s4/core/parallel`: the workers of data-parallel training (`fit`'s `workers` starts them
// itself; this entry is for serving one from your own Web Worker or driving a pool directly).
export type { ParallelWorkerOptions } from './worker-handler';
export { serveParallelWorker } from './worker-handler';
export type { WorkerPoolOptions } from './worker-pool';
export { defaultWorkerUrl, WorkerPool } from './worker-pool';
export type { WorkerPort, WorkerPortEvent, WorkerScope } from './worker-port';
