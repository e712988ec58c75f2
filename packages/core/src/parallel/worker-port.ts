/**
 * The transport between `WorkerPool` and its workers, as small as both runtimes allow: the part
 * of the browser's `Worker` (main side) and of a dedicated worker's `self` (worker side) that the
 * pool uses. Browser workers fit as they are; Node's worker_threads are adapted (node-worker.ts).
 */

/** An event a port delivers: `data` for messages, `message` (and maybe `error`) for errors. */
export interface WorkerPortEvent {
  data?: unknown;
  message?: string;
  error?: unknown;
}

/** Main side: one worker, e.g. `new Worker(url, { type: 'module' })` in a browser. */
export interface WorkerPort {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  /** `'error'`/`'messageerror'`: the worker failed (or a message could not be decoded). */
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: WorkerPortEvent) => void,
  ): void;
  terminate(): unknown;
}

/** Worker side: the worker's end, e.g. `self` in a browser's dedicated module worker. */
export interface WorkerScope {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
