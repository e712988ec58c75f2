/**
 * Every kernel call of one training step, in execution order, with its input shapes and wall
 * time (mean of 5 profiled steps after 30 warm-up steps; calls under 0.05 ms are left out): which
 * layer's which kernel costs what. Random inputs; the engine's `trainStep` with SGD (Nesterov).
 * Runs the built package (dist), as the CLI does.
 *
 *   pnpm --filter @s4/core exec tsx bench/kernel-calls.ts seed-arch2 64
 *
 * Arguments: a bench model name (default seed-arch2), the batch size (default 64, one worker's
 * shard of a batch of 128 on 2 workers).
 */
import { initBackend, SGD, trainStep } from '@s4/core';
import { tf } from '@s4/core/tf';
import { BENCH_MODELS, type BenchModelName, buildBenchModel } from './models';

const name = (process.argv[2] ?? 'seed-arch2') as BenchModelName;
const batchSize = Number(process.argv[3] ?? 64);
if (!BENCH_MODELS.includes(name)) {
  throw new Error(`model must be one of ${BENCH_MODELS.join(', ')}, got ${name}`);
}
if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
  throw new Error(`batch size must be an integer >= 1, got ${process.argv[3]}`);
}

await initBackend({ backend: 'wasm' });
const model = buildBenchModel(name);
model.train();
const optimizer = new SGD(model.namedParameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
const x = tf.randomNormal([batchSize, 28, 28, 1]) as tf.Tensor4D;
const y = tf.tensor1d(
  Array.from({ length: batchSize }, (_, i) => i % 10),
  'int32',
);
for (let i = 0; i < 30; i++) trainStep(model, optimizer, x, y);

const ROUNDS = 5;
const calls = new Map<string, number>();
for (let r = 0; r < ROUNDS; r++) {
  const profile = await tf.profile(() => {
    trainStep(model, optimizer, x, y);
  });
  profile.kernels.forEach((k, i) => {
    const key = `${String(i).padStart(3)} ${k.name} ${JSON.stringify(k.inputShapes)}`;
    calls.set(key, (calls.get(key) ?? 0) + (k.kernelTimeMs as number) / ROUNDS);
  });
}
console.log(`${name}, batch ${batchSize}: ms per call, call index, kernel, input shapes`);
for (const [key, ms] of calls) if (ms > 0.05) console.log(ms.toFixed(2).padStart(7), key);
