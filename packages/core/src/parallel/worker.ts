/**
 * Entry of a data-parallel training worker (a Node `worker_threads` thread with its own tfjs
 * engine and wasm backend). Built to `dist/parallel-worker.js`; started by `WorkerPool`.
 *
 * The worker holds a replica of the model and no optimizer: every request carries the current
 * weights, so replicas can never drift apart and the main thread's optimizer, scheduler and
 * checkpoints stay the single source of truth.
 */
import { parentPort } from 'node:worker_threads';
import { fromArchitecture } from '../architecture';
import { initBackend, tf } from '../backend';
import { batchToTensors } from '../data/to-tensors';
import { CoreError } from '../errors';
import { type LossKind, lossPerExample } from '../losses';
import type { Sequential } from '../nn/sequential';
import { computeGradients } from '../train-step';
import {
  assertSameLayout,
  type FlatLayout,
  flatLayout,
  packGradients,
  readBuffers,
  writeState,
} from './flat-state';
import type { FromWorker, ToWorker } from './messages';

const port = parentPort;
if (port === null) throw new Error('parallel-worker.js runs inside a worker thread only');

let model: Sequential | undefined;
let layout: FlatLayout | undefined;
let lossKind: LossKind = 'nll';

function reply(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'init': {
      await initBackend({ backend: message.backend });
      model = fromArchitecture(message.architecture);
      model.train();
      layout = flatLayout(model);
      assertSameLayout(message.layout, layout, 'data-parallel worker');
      lossKind = message.loss;
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
        result = computeGradients(replica, x, y, { loss: lossKind });
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

// One request at a time, in order: the main thread never sends a second before the first's reply.
port.on('message', (message: ToWorker) => {
  handle(message).catch((error: unknown) => {
    reply({
      type: 'error',
      ...('id' in message ? { id: message.id } : {}),
      ...(error instanceof CoreError ? { code: error.code } : {}),
      message: error instanceof Error ? error.message : String(error),
    });
  });
});
