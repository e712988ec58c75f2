import type { Worker as NodeWorker } from 'node:worker_threads';
import { nodeBuiltin } from '@s4/runtime';
import { CoreError } from '../errors';
import type { WorkerPort, WorkerPortEvent, WorkerScope } from './worker-port';

/**
 * Node's worker_threads, loaded at run time rather than imported, so browser bundles of the pool
 * never see `node:*` (they start their workers themselves, see `WorkerPoolOptions.createWorker`).
 */
export function workerThreads(): typeof import('node:worker_threads') {
  const mod = nodeBuiltin('node:worker_threads');
  if (mod === undefined) {
    throw new CoreError(
      'BAD_ARGUMENT',
      'workers: without Node (>= 20.16) worker_threads, pass createWorker (browser: a module Worker running serveParallelWorker)',
    );
  }
  return mod;
}

/** A worker_threads thread running `url`, seen through the browser-shaped `WorkerPort`. */
export function startNodeWorker(url: URL | string): WorkerPort {
  const { Worker } = workerThreads();
  // Without the parent's `--conditions` flags: a test runner's source condition (`@s4/source`)
  // would make the built worker import sibling packages' TypeScript sources.
  const execArgv = process.execArgv.filter(
    (arg, i, all) =>
      !/^(--conditions|-C)(=|$)/.test(arg) && !/^(--conditions|-C)$/.test(all[i - 1] ?? ''),
  );
  return nodeWorkerPort(new Worker(url, { execArgv }));
}

/** Adapts a worker_threads Worker; an exit the port did not ask for is reported as an error. */
export function nodeWorkerPort(worker: NodeWorker): WorkerPort {
  let terminating = false;
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    addEventListener(type, listener: (event: WorkerPortEvent) => void) {
      if (type === 'message') worker.on('message', (data: unknown) => listener({ data }));
      else if (type === 'messageerror') {
        worker.on('messageerror', (error: Error) => listener({ message: error.message, error }));
      } else {
        worker.on('error', (error: Error) => listener({ message: error.message, error }));
        worker.on('exit', (code: number) => {
          if (!terminating) listener({ message: `exited with code ${code}` });
        });
      }
    },
    terminate() {
      terminating = true;
      return worker.terminate();
    },
  };
}

/** The worker side: `parentPort` of a worker_threads thread as a `WorkerScope`. */
export function nodeWorkerScope(): WorkerScope {
  const port = workerThreads().parentPort;
  if (port === null) throw new Error('parallel-worker.js runs inside a worker thread only');
  return {
    postMessage: (message, transfer) => port.postMessage(message, transfer),
    addEventListener: (_type, listener) => {
      port.on('message', (data: unknown) => listener({ data }));
    },
  };
}
