/**
 * Training-step throughput of @s4/core on one thread, per model: images/s of a full step (the
 * engine's `trainStep`: forward, NLL loss, backward, SGD with Nesterov momentum) at batch 128 on
 * real MNIST images, after warm-up. Runs the built package (dist), as the CLI does. Prints the
 * median wall-clock img/s and img per CPU-second of this process (the honest number on a busy
 * machine), once with tfjs's stock wasm kernels and once with S4's.
 *
 *   pnpm --filter @s4/core bench
 *   pnpm --filter @s4/core bench --model s4 --steps 30 --kernels s4 --profile --json
 *
 * `--profile` prints the per-kernel time of one step (tf.profile), forward and backward apart.
 */
import { parseArgs } from 'node:util';
import { initBackend, type Module, normalizePixels, SGD, trainStep } from '@s4/core';
import { tf } from '@s4/core/tf';
import { loadMnist } from '@s4/mnist-data';
import { BENCH_MODELS, type BenchModelName, buildBenchModel } from './models';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '128' },
    backend: { type: 'string', default: 'wasm' },
    kernels: { type: 'string', default: 'both' },
    profile: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const steps = Number(values.steps);
const warmup = Number(values.warmup);
const batchSize = Number(values['batch-size']);
const backend = values.backend as 'wasm' | 'cpu';
const models = (values.model ?? BENCH_MODELS) as BenchModelName[];
for (const m of models) {
  if (!BENCH_MODELS.includes(m))
    throw new Error(`--model must be one of ${BENCH_MODELS.join(', ')}, got ${m}`);
}
const variants: Array<'tfjs' | 's4'> =
  values.kernels === 'both' ? ['tfjs', 's4'] : [values.kernels as 'tfjs' | 's4'];
if (!variants.every((v) => v === 'tfjs' || v === 's4'))
  throw new Error(`--kernels must be tfjs, s4 or both, got ${values.kernels}`);

await initBackend({ backend });
const train = await loadMnist({ split: 'train' });
// One normalised batch per step, cycling through the first images: real pixels, no data cost.
function batchAt(step: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const start = (step * batchSize) % (train.count - batchSize);
  const pixels = normalizePixels(train.images.subarray(start * 784, (start + batchSize) * 784));
  const labels = Int32Array.from(train.labels.subarray(start, start + batchSize));
  return tf.tidy(() => ({
    x: tf.tensor4d(pixels, [batchSize, 28, 28, 1]),
    y: tf.tensor1d(labels, 'int32'),
  }));
}

/** The training engine's own step (forward, loss, backward, SGD with Nesterov momentum). */
function makeStep(model: Module) {
  const optimizer = new SGD(model.namedParameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
  return (x: tf.Tensor, y: tf.Tensor): number => trainStep(model, optimizer, x, y).loss;
}

interface Row {
  model: string;
  kernels: string;
  trainImagesPerSec: number;
  msPerStep: number;
  cpuMsPerStep: number;
  trainImagesPerCpuSec: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function profileStep(model: Module, step: (x: tf.Tensor, y: tf.Tensor) => number) {
  const { x, y } = batchAt(0);
  // The forward alone, to know how many of the step's kernels (which come in execution order:
  // forward, then backward, then the update) belong to the forward pass.
  // tf.profile reuses one result object, so read the forward count before profiling again.
  const forwardCount = (
    await tf.profile(() => {
      tf.tidy(() => {
        model.forward(x).dataSync();
      });
    })
  ).kernels.length;
  const whole = await tf.profile(() => {
    step(x, y);
  });
  tf.dispose([x, y]);
  const totals = new Map<string, { fwd: number; bwd: number; calls: number }>();
  whole.kernels.forEach((k, i) => {
    // Ops that are not kernels (a tf.customGrad's "forward") time their nested kernels too.
    const name = tf.getKernel(k.name, tf.getBackend()) ? k.name : `(${k.name}: nested, not summed)`;
    const t = totals.get(name) ?? { fwd: 0, bwd: 0, calls: 0 };
    if (i < forwardCount) t.fwd += k.kernelTimeMs as number;
    else t.bwd += k.kernelTimeMs as number;
    t.calls += 1;
    totals.set(name, t);
  });
  const rows = [...totals.entries()].map(([name, t]) => ({ name, ...t, ms: t.fwd + t.bwd }));
  rows.sort((a, b) => b.ms - a.ms);
  const counted = rows.filter((r) => !r.name.startsWith('('));
  const total = counted.reduce((s, r) => s + r.ms, 0);
  const totalFwd = counted.reduce((s, r) => s + r.fwd, 0);
  console.log('\n| kernel | calls | forward ms | backward + update ms | total ms | share |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows.filter((r) => r.ms >= total * 0.005)) {
    const share = r.name.startsWith('(') ? '' : `${((100 * r.ms) / total).toFixed(1)}%`;
    console.log(
      `| ${r.name} | ${r.calls} | ${r.fwd.toFixed(1)} | ${r.bwd.toFixed(1)} | ${r.ms.toFixed(1)} | ${share} |`,
    );
  }
  console.log(
    `| all kernels | ${whole.kernels.length} | ${totalFwd.toFixed(1)} | ${(total - totalFwd).toFixed(1)} | ${total.toFixed(1)} | 100% |`,
  );
}

const rows: Row[] = [];
for (const name of models) {
  for (const variant of variants) {
    await initBackend({ backend, kernels: { implementation: variant } });
    const model = buildBenchModel(name);
    model.train();
    const step = makeStep(model);
    for (let i = 0; i < warmup; i++) {
      const { x, y } = batchAt(i);
      step(x, y);
      tf.dispose([x, y]);
    }
    const batches = Array.from({ length: steps }, (_, i) => batchAt(i + warmup));
    // Per-step wall and CPU times; medians resist the noise of a shared machine, and CPU time
    // (this process only) shows the work itself when other jobs compete for the cores.
    const wall: number[] = [];
    const cpu: number[] = [];
    for (const { x, y } of batches) {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      step(x, y);
      wall.push(performance.now() - start);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
    }
    for (const { x, y } of batches) tf.dispose([x, y]);
    const ms = median(wall);
    const cpuMs = median(cpu);
    const row: Row = {
      model: name,
      kernels: variant,
      trainImagesPerSec: (batchSize * 1000) / ms,
      msPerStep: ms,
      cpuMsPerStep: cpuMs,
      trainImagesPerCpuSec: (batchSize * 1000) / cpuMs,
    };
    rows.push(row);
    if (!values.json) {
      console.log(
        `${name.padEnd(11)} ${variant.padEnd(5)} ${backend} batch ${batchSize}: ${row.trainImagesPerSec.toFixed(0).padStart(5)} img/s (median ${ms.toFixed(1)} ms/step), ${row.trainImagesPerCpuSec.toFixed(0).padStart(5)} img per CPU-second (${cpuMs.toFixed(1)} CPU ms/step)`,
      );
    }
    if (values.profile) await profileStep(model, step);
    model.dispose();
  }
}
if (values.json) console.log(JSON.stringify(rows));
