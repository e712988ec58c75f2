#!/usr/bin/env node
/**
 * `pnpm bench`: training and inference speed of every zoo model, S4 (`s4 bench`, 1 worker and
 * one worker per core) next to PyTorch at its fastest (`bench/pytorch_reference.py bench`: same
 * architectures, batch and optimizer, every variant of memory format — NCHW, channels_last — and
 * thread count — 1, cores — timed, the fastest taken) when a python3 with torch is found, all in
 * the same run; then writes the tables and time-to-99.4% into BENCHMARKS.md between the `speed`
 * markers (other sections are kept) and the figures to bench/results/speed.json (the docs chart).
 *
 *   pnpm bench                                  # 3 rounds, 100 timed steps
 *   pnpm bench -- --rounds 5 --steps 50 --models s4,seed-arch1
 *   pnpm bench -- --torch-train                 # also PyTorch's time-to-99.4% (≥ 5 minutes)
 *
 * The machine may be shared: every measurement records the 1-minute load average, the table
 * shows medians over rounds, and each ratio is taken within one round (measurements back to
 * back, S4 first in odd rounds and PyTorch first in even ones) before its median.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'packages/cli/dist/bin.js');
const TORCH_SCRIPT = join(ROOT, 'bench/pytorch_reference.py');
const OUT = join(ROOT, 'BENCHMARKS.md');
const DATA_OUT = join(ROOT, 'bench/results/speed.json');
const START = '<!-- speed:start (written by `pnpm bench`; edits inside are overwritten) -->';
const END = '<!-- speed:end -->';

// `pnpm bench -- --flag` passes the `--` through (pnpm 10): drop it.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    rounds: { type: 'string', default: '3' },
    steps: { type: 'string', default: '100' },
    models: { type: 'string' },
    'torch-train': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const steps = Number(values.steps);
const cores = availableParallelism();
for (const [name, n] of [
  ['--rounds', rounds],
  ['--steps', steps],
]) {
  if (!(Number.isInteger(n) && n >= 1)) {
    console.error(`error: ${name}: expected an integer >= 1, found ${n}`);
    process.exit(2);
  }
}

const log = (line) => process.stderr.write(`${line}\n`);

if (!values['no-build']) {
  log('Building the CLI (turbo)…');
  execFileSync(
    'pnpm',
    ['exec', 'turbo', 'run', 'build', '--filter=@s4/cli...', '--output-logs=errors-only'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

/** Runs a command that prints one JSON line last; returns it parsed. */
function jsonOf(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  }
  // Either one (possibly pretty-printed) JSON document, or log lines then one JSON line.
  const text = result.stdout.trim();
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.split('\n').at(-1) ?? '');
  }
}

function findTorchPython() {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return undefined;
}

const zoo = jsonOf('node', [CLI, 'models', '--json']);
const models = values.models
  ? values.models.split(',').map((name) => {
      const found = zoo.find((m) => m.name === name);
      if (!found) {
        console.error(
          `error: --models: unknown model "${name}"; known: ${zoo.map((m) => m.name).join(', ')}`,
        );
        process.exit(2);
      }
      return found;
    })
  : zoo;
const torch = findTorchPython();
log(
  torch
    ? `PyTorch ${torch.version} found at ${torch.python}`
    : 'No python3 with torch found: S4 numbers only',
);

const workerCounts = [...new Set([1, cores])];
/** measurements[model][config] = [{ round, trainImagesPerSec, inferImagesPerSec, load }] */
const measurements = new Map();
const record = (model, config, result) => {
  if (!measurements.has(model)) measurements.set(model, new Map());
  const byConfig = measurements.get(model);
  if (!byConfig.has(config)) byConfig.set(config, []);
  byConfig.get(config).push(result);
};

// PyTorch times every variant (memory format × threads) in one process per model and round,
// and its fastest is the baseline: a PyTorch user tunes those two before anything else.
const torchThreadCounts = [...new Set([1, cores])].join(',');
const total = rounds * models.length * (workerCounts.length + (torch ? 1 : 0));
let done = 0;
const started = Date.now();
const progress = (what, r) => {
  done += 1;
  const elapsed = (Date.now() - started) / 1000;
  const eta = (elapsed / done) * (total - done);
  log(
    `[${String(done).padStart(String(total).length)}/${total} ${Math.round(elapsed)}s<${Math.round(eta)}s] ${what}: ${r.trainImagesPerSec.toFixed(0)} img/s train, ${r.inferImagesPerSec.toFixed(0)} img/s infer (load ${r.load.toFixed(2)})`,
  );
};

function measureS4(round, model) {
  for (const workers of workerCounts) {
    const r = jsonOf('node', [
      CLI,
      'bench',
      '--model',
      model.name,
      '--steps',
      String(steps),
      '--workers',
      String(workers),
      '--json',
    ]);
    const result = { round, ...r, load: r.load ?? loadavg()[0] };
    record(model.name, `s4-${workers}`, result);
    progress(`round ${round} ${model.name} S4 ${workers} worker${workers > 1 ? 's' : ''}`, result);
  }
}

function measureTorch(round, model) {
  const load = loadavg()[0];
  const r = jsonOf(torch.python, [
    TORCH_SCRIPT,
    'bench',
    '--model',
    model.name,
    '--steps',
    String(steps),
    '--thread-counts',
    torchThreadCounts,
  ]);
  const result = { round, ...r, load: (load + loadavg()[0]) / 2 };
  record(model.name, 'torch', result);
  for (const v of r.variants) {
    record(model.name, `torch-${v.format}-${v.threads}`, { round, ...v, load: result.load });
  }
  progress(
    `round ${round} ${model.name} PyTorch fastest (${r.format}, ${r.threads} thread${r.threads > 1 ? 's' : ''})`,
    result,
  );
}

for (let round = 1; round <= rounds; round++) {
  for (const model of models) {
    if (round % 2 === 1 || !torch) measureS4(round, model);
    if (torch) measureTorch(round, model);
    if (round % 2 === 0 && torch) measureS4(round, model);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const ratio = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '–');

/** Median over rounds of a / b, each pair measured in the same round. */
function pairedRatio(a, b, field) {
  const ratios = a.flatMap((x) => {
    const y = b.find((m) => m.round === x.round);
    return y ? [x[field] / y[field]] : [];
  });
  return ratios.length ? median(ratios) : Number.NaN;
}

/** Per round, the faster of S4's worker counts: both sides are compared at their best. */
function bestPerRound(configs) {
  const byRound = new Map();
  for (const m of configs.flat()) {
    const best = byRound.get(m.round);
    if (!best || m.trainImagesPerSec > best.trainImagesPerSec) byRound.set(m.round, m);
  }
  return [...byRound.values()];
}

/** The value that occurs most often (ties: the first seen). */
const mode = (xs) => {
  const counts = new Map();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
};

const many = `s4-${cores}`;
const torchVariants = [...new Set([1, cores])].flatMap((threads) =>
  ['nchw', 'channels_last'].map((format) => ({ format, threads })),
);
const rows = [];
for (const model of models) {
  const byConfig = measurements.get(model.name);
  const one = byConfig.get('s4-1') ?? [];
  const par = byConfig.get(many) ?? one;
  const s4 = bestPerRound([one, par]);
  const pt = byConfig.get('torch') ?? [];
  const pt1 = bestPerRound(
    ['nchw', 'channels_last'].map((format) => byConfig.get(`torch-${format}-1`) ?? []),
  );
  const variantMedians = torchVariants.map(({ format, threads }) => {
    const ms = byConfig.get(`torch-${format}-${threads}`) ?? [];
    return {
      format,
      threads,
      trainImagesPerSec: median(ms.map((m) => m.trainImagesPerSec)),
      inferImagesPerSec: median(ms.map((m) => m.inferImagesPerSec)),
    };
  });
  rows.push({
    model: model.name,
    params: model.params,
    s4One: median(one.map((m) => m.trainImagesPerSec)),
    s4Many: median(par.map((m) => m.trainImagesPerSec)),
    s4Best: median(s4.map((m) => m.trainImagesPerSec)),
    speedup: pairedRatio(par, one, 'trainImagesPerSec'),
    torch: pt.length ? median(pt.map((m) => m.trainImagesPerSec)) : Number.NaN,
    torchWinner: pt.length
      ? mode(pt.map((m) => `${m.format}, ${m.threads} thread${m.threads > 1 ? 's' : ''}`))
      : '–',
    torchRoundRatios: pt.map((p) => {
      const s = s4.find((m) => m.round === p.round);
      return s ? s.trainImagesPerSec / p.trainImagesPerSec : Number.NaN;
    }),
    vsTorch: pt.length ? pairedRatio(s4, pt, 'trainImagesPerSec') : Number.NaN,
    s4Infer: median(par.map((m) => m.inferImagesPerSec)),
    torchInfer: pt.length ? median(pt.map((m) => m.inferImagesPerSec)) : Number.NaN,
    torchInferWinner: pt.length
      ? mode(
          pt.map(
            (m) =>
              `${m.inferFormat}, ${m.inferThreads} thread${m.inferThreads > 1 ? 's' : ''}, batch ${m.inferBatchSize}`,
          ),
        )
      : '–',
    inferVsTorch: pt.length ? pairedRatio(par, pt, 'inferImagesPerSec') : Number.NaN,
    variantMedians,
    cpuOne: median(one.map((m) => m.cpuMsPerStep)),
    cpuMany: median(par.map((m) => m.cpuMsPerStep)),
    cpuTorch: pt.length ? median(pt.map((m) => m.cpuMsPerStep)) : Number.NaN,
    cpuTorch1: pt1.length ? median(pt1.map((m) => m.cpuMsPerStep)) : Number.NaN,
    cpuVsTorch1: pt1.length ? pairedRatio(one, pt1, 'cpuMsPerStep') : Number.NaN,
    loads: [...one, ...par, ...pt].map((m) => m.load),
  });
}

/** Time-to-99.4% of S4's shipped training runs (their metrics.jsonl). */
function s4TimeTo994() {
  const runsDir = join(ROOT, 'packages/models/weights-runs');
  if (!existsSync(runsDir)) return [];
  const out = [];
  for (const name of readdirSync(runsDir).filter((n) => n.startsWith('s4-'))) {
    const file = join(runsDir, name, 'metrics.jsonl');
    if (!existsSync(file)) continue;
    const epochs = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    const hit = epochs.find((e) => e.testAccuracy >= 99.4);
    const last = epochs.at(-1);
    const speeds = epochs.map((e) => e.trainImagesPerSec).filter(Number.isFinite);
    out.push({
      imagesPerSec: speeds.length ? median(speeds) : Number.NaN,
      run: name,
      epochs: epochs.length,
      hitEpoch: hit?.epoch,
      hitSeconds: hit?.elapsedSeconds,
      final: last?.testAccuracy,
      seconds: last?.elapsedSeconds,
    });
  }
  return out;
}

/** PyTorch runs of the S4 recipe committed in bench/results (`pytorch_reference.py train` output). */
function recordedTorchRuns() {
  const dir = join(ROOT, 'bench/results');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^pytorch-.*\.jsonl$/.test(name))
    .flatMap((name) => {
      const records = readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l));
      const summary = records.find((r) => 'secondsTo99.4' in r);
      const hit = records.find((r) => r.accuracy >= 99.4);
      return summary ? [{ file: name, ...summary, hitEpoch: hit?.epoch }] : [];
    });
}

function torchTimeTo994() {
  if (!values['torch-train'] || !torch) return undefined;
  log('PyTorch: training the S4 architecture to measure its time-to-99.4% (15 epochs)…');
  const load = loadavg()[0];
  const result = spawnSync(
    torch.python,
    [TORCH_SCRIPT, 'train', '--model', 's4', '--threads', String(cores)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (result.status !== 0) throw new Error(`PyTorch training failed:\n${result.stderr}`);
  // Kept in bench/results (per-epoch lines, then the summary with this run's load and date), so
  // later `pnpm bench` runs still report it.
  const records = result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const summary = records.at(-1);
  summary.load = Number(((load + loadavg()[0]) / 2).toFixed(2));
  summary.measured = new Date().toISOString();
  const file = join(
    ROOT,
    'bench/results',
    `pytorch-s4-seed${summary.seed}-${summary.measured.slice(0, 16).replace(/[-:]/g, '').replace('T', '-')}.jsonl`,
  );
  writeFileSync(`${file}.tmp`, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  renameSync(`${file}.tmp`, file);
  log(`PyTorch run saved to ${file}`);
  return summary;
}

const s4Runs = s4TimeTo994();
const torchRun = torchTimeTo994();
const minutes = (s) =>
  s === undefined || s === null ? 'not reached' : `${(s / 60).toFixed(1)} min`;

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const loads = rows.flatMap((r) => r.loads);
const measured = new Date().toISOString().slice(0, 16).replace('T', ' ');
const lines = [
  START,
  '## Training speed: S4 vs PyTorch at its fastest',
  '',
  `Measured ${measured} UTC by \`pnpm bench\` on ${cpu}, ${cores} cores (availableParallelism), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}${torch ? `, PyTorch ${torch.version} (${torch.python}, mkldnn on)` : ''}.`,
  `Batch 128, SGD with Nesterov momentum, real MNIST images, ${steps} timed steps after 30 warm-up ones; inference: eval mode over the 10,000 test images, each side at its fastest of batches 128, 256 and 1000 (after an untimed pass). PyTorch is timed in every formulation a performance-minded user would try — NCHW and channels_last memory formats, 1 and ${cores} threads, \`zero_grad(set_to_none=True)\`, the foreach SGD update — and its fastest variant in each round is the baseline; S4 likewise takes the faster of 1 and ${cores} workers. Medians of ${rounds} rounds; each ratio is the median of ratios measured back to back in one round (S4 first in odd rounds, PyTorch first in even ones).`,
  `Load average (1 min) during the measurements: ${median(loads).toFixed(1)} median, ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} range${Math.max(...loads) > cores + 1 ? ` — the machine was shared (load above its ${cores} cores): absolute numbers are low and noisy, and PyTorch's multi-threaded variants suffer most` : ''}.`,
  '',
  `| model | params | S4 1 worker (img/s) | S4 ${cores} workers (img/s) | PyTorch fastest (img/s) | PyTorch's fastest variant | S4 / PyTorch (per round) | S4 / PyTorch (median) | S4 inference (img/s) | PyTorch fastest inference (img/s) | PyTorch's fastest inference variant | inference S4 / PyTorch |`,
  '| --- | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.model} | ${r.params.toLocaleString('en-US')} | ${fmt(r.s4One)} | ${fmt(r.s4Many)} | ${fmt(r.torch)} | ${r.torchWinner} | ${r.torchRoundRatios.map((x) => x.toFixed(2)).join(', ') || '–'} | **${ratio(r.vsTorch)}** | ${fmt(r.s4Infer)} | ${fmt(r.torchInfer)} | ${r.torchInferWinner} | ${ratio(r.inferVsTorch)} |`,
  ),
  '',
  'Every PyTorch variant, training images/s (inference images/s), medians over rounds:',
  '',
  `| model | ${torchVariants.map((v) => `${v.format}, ${v.threads} thread${v.threads > 1 ? 's' : ''}`).join(' | ')} |`,
  `| --- | ${torchVariants.map(() => '---:').join(' | ')} |`,
  ...rows.map(
    (r) =>
      `| ${r.model} | ${r.variantMedians.map((v) => `${fmt(v.trainImagesPerSec)} (${fmt(v.inferImagesPerSec)})`).join(' | ')} |`,
  ),
  '',
  "CPU time per training step (ms, all threads of the process; lower is better): what the work costs, mostly independent of what else runs. Equal CPU time for 1 and N workers means the parallel version adds no work. PyTorch's multi-threaded figure includes OpenMP threads spin-waiting; its 1-thread figure (the faster format) does not, so S4 1 worker against it compares the work per image of the two engines.",
  '',
  `| model | S4 1 worker | S4 ${cores} workers | ${cores} workers / 1 | PyTorch fastest | PyTorch 1 thread | S4 1 worker / PyTorch 1 thread |`,
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.model} | ${r.cpuOne.toFixed(0)} | ${r.cpuMany.toFixed(0)} | ${ratio(r.cpuMany / r.cpuOne)} | ${Number.isFinite(r.cpuTorch) ? r.cpuTorch.toFixed(0) : '–'} | ${Number.isFinite(r.cpuTorch1) ? r.cpuTorch1.toFixed(0) : '–'} | ${ratio(r.cpuVsTorch1)} |`,
  ),
  '',
  'The docs chart of these figures reads `bench/results/speed.json`, written by the same run.',
  '',
  '### Time to 99.4% test accuracy (S4 model, its recipe: 15 epochs, OneCycle to 0.2, ±7° rotation)',
  '',
  "Each run's median training images/s tells its conditions apart: the early S4 runs shared the machine with other work or predate S4's current kernels (their train.log says when they ran).",
  '',
  '| run | first epoch ≥ 99.4% | wall time to it | accuracy at the last logged epoch | wall time logged | median train images/s |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...s4Runs.map(
    (r) =>
      `| S4 \`${r.run}\` (packages/models/weights-runs, ${r.epochs} epochs logged) | ${r.hitEpoch ?? '–'} | ${minutes(r.hitSeconds)} | ${r.final?.toFixed(2)}% | ${minutes(r.seconds)} | ${fmt(r.imagesPerSec)} |`,
  ),
  ...recordedTorchRuns().map(
    (r) =>
      `| PyTorch, same architecture and recipe (\`bench/results/${r.file}\`${r.load === undefined ? ', machine shared with other work' : `, load ${r.load}`}) | ${r.hitEpoch ?? '–'} | ${minutes(r['secondsTo99.4'])} | ${r.final.toFixed(2)}% | ${minutes(r.seconds)} | – |`,
  ),
  ...(s4Runs.length === 0 ? ['| (no S4 run with metrics.jsonl yet) | | | | |'] : []),
  '',
  `\`pnpm bench -- --torch-train\` measures PyTorch's time to 99.4% with the same architecture and recipe on this machine${torchRun ? ' (it did in this run)' : ''} and keeps each run in bench/results.`,
  END,
];

const section = lines.join('\n');
const previous = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '# Benchmarks\n';
const next =
  previous.includes(START.slice(0, 18)) && previous.includes(END)
    ? previous.slice(0, previous.indexOf(START.slice(0, 18))) +
      section +
      previous.slice(previous.indexOf(END) + END.length)
    : `${previous.trimEnd()}\n\n${section}\n`;
const tmp = `${OUT}.${process.pid}.tmp`;
writeFileSync(tmp, next);
renameSync(tmp, OUT);
// Biome formats Markdown (aligned tables) and CI checks it: leave the file as it would.
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', OUT], { cwd: ROOT, stdio: 'ignore' });
const data = {
  measured: `${measured} UTC`,
  command: 'pnpm bench',
  machine: { cpu, cores, node: process.version, torch: torch?.version ?? null },
  batchSize: 128,
  steps,
  rounds,
  load: { median: median(loads), min: Math.min(...loads), max: Math.max(...loads) },
  models: rows.map(({ loads: _loads, ...row }) => row),
};
writeFileSync(`${DATA_OUT}.tmp`, `${JSON.stringify(data, null, 2)}\n`);
renameSync(`${DATA_OUT}.tmp`, DATA_OUT);
spawnSync('pnpm', ['exec', 'biome', 'format', '--write', DATA_OUT], { cwd: ROOT, stdio: 'ignore' });
console.log(section);
log(`Wrote ${OUT} and ${DATA_OUT}`);
