/**
 * What a data-parallel training worker does, whatever runs it: Node's entry (worker.ts, built to
 * `dist/parallel-worker.js`) and a browser's module Worker both call `serveParallelWorker`.
 *
 * The worker holds a replica of the model and no optimizer: every request carries the current
 * weights, so replicas can never drift apart and the main thread's optimizer, scheduler and
 * checkpoints stay the single source of truth.
 */
import { fromArchitecture } from '../architecture';
import { type BackendOptions, initBackend, tf } from '../backend';
import { batchToTensors } from '../data/to-tensors';
import { CoreError } from '../errors';
import { type LossKind, lossPerExample } from '../losses';
import {
  assertSameLayout,
  type FlatLayout,
  flatLayout,
  packGradients,
  readBuffers,
  writeState,
} from '../nn/flat-state';
import type { Sequential } from '../nn/sequential';
import { computeGradients } from '../train-step';
import type { FromWorker, ToWorker } from './messages';
import type { WorkerScope } from './worker-port';

/** How the worker starts its tfjs backend; the backend itself is the pool's choice. */
export type ParallelWorkerOptions = Omit<BackendOptions, 'backend'>;

/**
 * Answers `WorkerPool`'s requests arriving on `scope`. In a browser, a module Worker's whole
 * script is `serveParallelWorker(self, { wasmPaths })` (the worker fetches its own wasm binaries,
 * so it needs their absolute URL).
 */
export function serveParallelWorker(scope: WorkerScope, options: ParallelWorkerOptions = {}): void {
  let model: Sequential | undefined;
  let layout: FlatLayout | undefined;
  let lossKind: LossKind = 'nll';
  let labelSmoothing = 0;

  const reply = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
    scope.postMessage(message, transfer);

  async function handle(message: ToWorker): Promise<void> {
    switch (message.type) {
      case 'init': {
        await initBackend({ ...options, backend: message.backend });
        model = fromArchitecture(message.architecture);
        model.train();
        layout = flatLayout(model);
        assertSameLayout(message.layout, layout, 'data-parallel worker');
        lossKind = message.loss;
        labelSmoothing = message.labelSmoothing;
        reply({ type: 'ready', layout });
        return;
      }
      case 'gradients': {
        const replica = model!;
        writeState(replica, layout!, message.state);
        if (Object.keys(message.rng).length > 0) replica.setRngState(message.rng);
        const { x, y } = batchToTensors({ ...message, indices: new Int32Array(0) });
        let result: ReturnType<typeof computeGradients>;
        try {
          result = computeGradients(replica, x, y, { loss: lossKind, labelSmoothing });
        } finally {
          tf.dispose([x, y]);
        }
        const grads = packGradients(result.grads, layout!);
        for (const g of result.grads.values()) g.dispose();
        const buffers = readBuffers(replica, layout!);
        reply(
          {
            type: 'gradients',
            id: message.id,
            grads,
            buffers,
            loss: result.loss,
            correct: result.correct,
            size: result.size,
          },
          [grads.buffer as ArrayBuffer, buffers.buffer as ArrayBuffer],
        );
        return;
      }
      case 'predict': {
        const replica = model!;
        writeState(replica, layout!, message.state);
        replica.eval();
        try {
          const [losses, predictions] = tf.tidy(() => {
            const { x, y } = batchToTensors({ ...message, indices: new Int32Array(0) });
            const output = replica.forward(x);
            return [
              // Copies: on the cpu backend dataSync returns the tensor's own storage.
              Float32Array.from(lossPerExample(lossKind, output, y).dataSync()),
              Int32Array.from(tf.argMax(output, 1).dataSync()),
            ];
          });
          reply({ type: 'predict', id: message.id, losses, predictions }, [
            losses.buffer as ArrayBuffer,
            predictions.buffer as ArrayBuffer,
          ]);
        } finally {
          replica.train();
        }
        return;
      }
    }
  }

  // One request at a time, in order: the pool never sends a second before the first's reply.
  scope.addEventListener('message', (event) => {
    const message = event.data as ToWorker;
    handle(message).catch((error: unknown) => {
      reply({
        type: 'error',
        ...('id' in message ? { id: message.id } : {}),
        ...(error instanceof CoreError ? { code: error.code } : {}),
        message: error instanceof Error ? error.message : String(error),
      });
    });
  });
}
