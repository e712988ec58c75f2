// `node train-node.mjs TRAIN.bin TEST.bin [--without-kernels]`: trains the conv net on tfjs's
// wasm backend in Node, with @s4/tfjs-wasm-training registered unless --without-kernels, and
// prints the result as one JSON line. Set up exactly as the package's README says.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@s4/tfjs-wasm-training';
import { decodeSlice, trainConvNet } from './conv-net.mjs';

const [trainFile, testFile, flag] = process.argv.slice(2);
if (flag !== '--without-kernels') registerWasmTrainingKernels();
await tf.setBackend('wasm');
const result = await trainConvNet(
  tf,
  decodeSlice(readFileSync(trainFile)),
  decodeSlice(readFileSync(testFile)),
);
console.log(JSON.stringify(result));
