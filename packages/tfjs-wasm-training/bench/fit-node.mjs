// `node bench/fit-node.mjs TRAIN.bin TEST.bin wasm|cpu EPOCHS BATCH`: the conv-net program's
// model.fit in Node on one backend (wasm with @s4/tfjs-wasm-training; cpu: stock tfjs), printing
// its result (with seconds per epoch) as one JSON line. One process per backend, so the cpu
// baseline runs without any of the package's registrations.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@s4/tfjs-wasm-training';
import { decodeSlice, trainConvNet } from '../test/program/conv-net.mjs';

const [trainFile, testFile, backend, epochs, batchSize] = process.argv.slice(2);
if (backend === 'wasm') registerWasmTrainingKernels();
if (!(await tf.setBackend(backend))) throw new Error(`the '${backend}' backend failed`);
const result = await trainConvNet(
  tf,
  decodeSlice(readFileSync(trainFile)),
  decodeSlice(readFileSync(testFile)),
  { epochs: Number(epochs), batchSize: Number(batchSize) },
);
console.log(JSON.stringify(result));
