// The browser entry of the conv-net program, bundled (as an app's bundler would) together with
// @tensorflow/tfjs, the wasm backend and @s4/tfjs-wasm-training. The page calls
// `trainInBrowser(...)`; each page load is a fresh tfjs, so nothing carries over between runs.

import { registerWasmTrainingKernels } from '@s4/tfjs-wasm-training';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { decodeSlice, trainConvNet } from './conv-net.mjs';

async function load(name) {
  const response = await fetch(`/data/${name}`);
  if (!response.ok) throw new Error(`GET /data/${name}: ${response.status}`);
  return decodeSlice(new Uint8Array(await response.arrayBuffer()));
}

globalThis.trainInBrowser = async ({ backend, withKernels, epochs, batchSize }) => {
  setWasmPaths('/wasm/');
  if (withKernels) registerWasmTrainingKernels();
  if (!(await tf.setBackend(backend))) throw new Error(`the '${backend}' backend failed`);
  const started = performance.now();
  const result = await trainConvNet(tf, await load('train.bin'), await load('test.bin'), {
    epochs,
    batchSize,
  });
  return { ...result, seconds: (performance.now() - started) / 1000 };
};
