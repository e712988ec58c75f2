// `node gradients-node.mjs TRAIN.bin`: one batch's loss and the gradients of every trainable
// weight of the conv net in training mode (batch statistics, the seeded dropout mask), on tfjs's
// cpu backend and then on wasm with @s4/tfjs-wasm-training, the same model and weights. Prints
// { cpu, wasm }, each { loss, gradients: number[][] } in model.trainableWeights order.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '@s4/tfjs-wasm-training';
import { buildConvNet, decodeSlice, toTensors } from './conv-net.mjs';

registerWasmTrainingKernels();
const slice = decodeSlice(readFileSync(process.argv[2]));
const batch = 32;
await tf.setBackend('cpu');
const model = buildConvNet(tf);
const { x, y } = toTensors(
  tf,
  slice.images.subarray(0, batch * 784),
  slice.labels.subarray(0, batch),
);
const names = model.trainableWeights.map((w) => w.val.name);

function gradientsOn() {
  const { value, grads } = tf.variableGrads(() =>
    tf.metrics.categoricalCrossentropy(y, model.apply(x, { training: true })).mean(),
  );
  const result = {
    loss: value.dataSync()[0],
    gradients: names.map((name) => Array.from(grads[name].dataSync())),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return result;
}

const cpu = gradientsOn();
await tf.setBackend('wasm');
const wasm = gradientsOn();
console.log(JSON.stringify({ names, cpu, wasm }));
