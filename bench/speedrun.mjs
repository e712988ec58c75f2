// `pnpm speedrun`: the speedrun measurement of a zoo model (default s4-fast), the way the CIFAR-10
// speedruns report theirs: a FIXED training schedule (the model's recipe), the test accuracy at
// its END (no "best epoch"), over several seeds, and the wall time of each whole run — a fresh
// process from start to exit: start-up, MNIST load, every epoch, one final evaluation. The test
// set is evaluated only once, after the last epoch.
//
// With a python3 that has torch, each seed also runs the same recipe in PyTorch
// (`bench/pytorch_reference.py speedrun`, a fresh process too), back to back with S4: S4 first
// for odd seeds, PyTorch first for even ones, so a load change hits both sides alike.
//
//   pnpm speedrun                                   s4-fast, seeds 1-5, S4 and PyTorch
//   pnpm speedrun -- --seeds 1,2 --model s4         any zoo model (PyTorch knows the same names)
//   pnpm speedrun -- --no-torch                     S4 only
//   pnpm speedrun -- --seeds 1 --limit 1920 --test-limit 200 --results-dir smoke-results
//                                                   a smoke run on a slice (BENCHMARKS.md untouched)
//
// Per seed, S4's final accuracy is that of `s4 train --model <model> --seed <n>` (same seeds, same
// calls, same numbers), which only adds a test evaluation per epoch. Prints each seed's final
// accuracy and wall time, then mean ± std (sample), min and max; writes them as JSON and Markdown
// to <results-dir>/speedrun-<model>-<UTC stamp>.{json,md} and, for a full run (no --limit), the
// table into BENCHMARKS.md between the speedrun markers.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
const TORCH_SCRIPT = join(ROOT, 'bench', 'pytorch_reference.py');
const BENCHMARKS = join(ROOT, 'BENCHMARKS.md');
const START = '<!-- speedrun:start (written by `pnpm speedrun`; edits inside are overwritten) -->';
const END = '<!-- speedrun:end -->';

// `pnpm speedrun -- --flag` passes the `--` through (pnpm 10): drop it.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    model: { type: 'string', default: 's4-fast' },
    seeds: { type: 'string', default: '1,2,3,4,5' },
    workers: { type: 'string', default: String(availableParallelism()) },
    // PyTorch's threads: one per core, like S4's workers.
    threads: { type: 'string', default: String(availableParallelism()) },
    python: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    limit: { type: 'string' },
    'test-limit': { type: 'string' },
    'results-dir': { type: 'string', default: join(ROOT, 'bench', 'results') },
    // Internal: one seed's S4 run, in its own process.
    child: { type: 'boolean', default: false },
    seed: { type: 'string' },
  },
});

const fail = (message) => {
  process.stderr.write(`speedrun: ${message}\n`);
  process.exit(2);
};
const positiveInt = (flag, text) => {
  const n = Number(text);
  if (!(Number.isInteger(n) && n >= 1)) fail(`${flag}: expected an integer >= 1, found ${text}`);
  return n;
};
const workers = positiveInt('--workers', values.workers);
const threads = positiveInt('--threads', values.threads);
const limit = values.limit === undefined ? undefined : positiveInt('--limit', values.limit);
const testLimit =
  values['test-limit'] === undefined
    ? undefined
    : positiveInt('--test-limit', values['test-limit']);

if (values.child) await runOneSeed();
else await runSeeds();

/** One seed: the whole run in this process; prints one JSON line prefixed `RESULT `. */
async function runOneSeed() {
  const dist = (pkg) => pathToFileURL(join(ROOT, 'packages', pkg, 'dist', 'index.js')).href;
  const core = await import(dist('core'));
  const models = await import(dist('models'));
  const { loadMnist } = await import(dist('mnist-data'));
  const seed = Number(values.seed);
  const zoo = models.getZooModel(values.model);
  const recipe = zoo.recipe;
  const t0 = performance.now();
  const seconds = (since) => (performance.now() - since) / 1000;

  await core.initBackend({ backend: 'wasm' });
  const [train, test] = await Promise.all([
    loadMnist({ split: 'train', download: false, limit }),
    loadMnist({ split: 'test', download: false, limit: testLimit }),
  ]);
  const loadSeconds = seconds(t0);

  // The calls of `s4 train`, without its per-epoch test evaluation and run folder.
  const tTrain = performance.now();
  const model = models.createModel(zoo, seed);
  const optimizer = models.createOptimizer(recipe.optimizer, model);
  const scheduler = models.createScheduler(recipe.scheduler, optimizer, {
    epochs: recipe.epochs,
    stepsPerEpoch: Math.ceil(train.count / recipe.batchSize),
  });
  const result = await core.fit(model, train, {
    workers,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    optimizer,
    scheduler,
    augment: models.augmentOptions(recipe.augment),
    seed,
    normalization: core.MNIST_NORMALIZATION,
    onEvent: (event) => {
      if (event.type === 'epochEnd') {
        process.stderr.write(
          `  S4 seed ${seed}: epoch ${event.epoch}/${event.epochs} train loss ${event.trainLoss.toFixed(4)}, ${event.trainSeconds.toFixed(1)} s\n`,
        );
      }
    },
  });
  const trainSeconds = seconds(tTrain);

  const tEval = performance.now();
  const evaluation = await core.evaluate(model, test, { normalization: core.MNIST_NORMALIZATION });
  const evalSeconds = seconds(tEval);
  model.dispose();
  const report = {
    seed,
    accuracy: 100 * evaluation.accuracy,
    correct: evaluation.correct,
    total: evaluation.total,
    testLoss: evaluation.loss,
    loadSeconds,
    trainSeconds,
    evalSeconds,
    epochs: result.history.map((h) => ({
      epoch: h.epoch,
      trainLoss: h.trainLoss,
      trainAccuracy: 100 * h.trainAccuracy,
      trainSeconds: h.trainSeconds,
    })),
  };
  process.stdout.write(`RESULT ${JSON.stringify(report)}\n`);
}

/** Runs `command args` to exit; resolves with its stdout and the wall time of the process. */
function timedProcess(command, args) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout, wallSeconds: (performance.now() - t0) / 1000 }),
    );
  });
}

/** The python3 with torch: --python, else /usr/bin/python3 or python3 on the PATH; or none. */
function findTorchPython() {
  if (values['no-torch']) return undefined;
  const candidates = values.python ? [values.python] : ['/usr/bin/python3', 'python3'];
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  if (values.python) fail(`--python ${values.python}: cannot import torch with it`);
  process.stderr.write('speedrun: no python3 with torch found: S4 only (--python to name one)\n');
  return undefined;
}

async function runS4(seed) {
  const args = [SELF, '--child', '--seed', String(seed), '--model', values.model];
  args.push('--workers', String(workers));
  if (limit !== undefined) args.push('--limit', String(limit));
  if (testLimit !== undefined) args.push('--test-limit', String(testLimit));
  const { code, stdout, wallSeconds } = await timedProcess(process.execPath, args);
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (code !== 0 || !line) fail(`S4 seed ${seed}: the run failed (exit code ${code})`);
  return { ...JSON.parse(line.slice('RESULT '.length)), wallSeconds };
}

async function runTorch(torch, recipe, seed) {
  const args = [TORCH_SCRIPT, 'speedrun', '--model', values.model, '--seeds', String(seed)];
  // The zoo recipe's numbers; the script has the rest of it (SGD with Nesterov momentum 0.9,
  // momentum cycled by OneCycle), which every zoo recipe shares.
  const { scheduler } = recipe;
  args.push('--epochs', String(recipe.epochs), '--batch-size', String(recipe.batchSize));
  args.push('--lr', String(recipe.optimizer.lr), '--rotate', String(recipe.augment.rotate));
  args.push('--pct-start', String(scheduler.pctStart), '--div-factor', String(scheduler.divFactor));
  args.push('--final-div-factor', String(scheduler.finalDivFactor));
  args.push('--threads', String(threads));
  if (limit !== undefined) args.push('--limit', String(limit));
  if (testLimit !== undefined) args.push('--test-limit', String(testLimit));
  const { code, stdout, wallSeconds } = await timedProcess(torch.python, args);
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .find((r) => r.seed === seed);
  if (code !== 0 || !line) fail(`PyTorch seed ${seed}: the run failed (exit code ${code})`);
  return { ...line, wallSeconds };
}

/** Mean, sample std, min and max. */
function stats(xs) {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

/** Every seed in fresh processes, one after the other; the summary; the result files. */
async function runSeeds() {
  const seeds = values.seeds.split(',').map((s) => Number(s.trim()));
  for (const seed of seeds) {
    if (!(Number.isInteger(seed) && seed >= 0)) {
      fail(`--seeds: expected comma-separated integers >= 0, found "${values.seeds}"`);
    }
  }
  const models = await import(
    pathToFileURL(join(ROOT, 'packages', 'models', 'dist', 'index.js')).href
  );
  const recipe = models.getZooModel(values.model).recipe;
  const { optimizer, scheduler } = recipe;
  if (optimizer.name !== 'sgd' || !optimizer.nesterov || scheduler.name !== 'onecycle') {
    fail(`${values.model}: the PyTorch side runs SGD (Nesterov) with OneCycle only`);
  }
  const torch = findTorchPython();
  const started = new Date();
  const loads = [];
  const s4Runs = [];
  const torchRuns = [];
  const slice =
    limit === undefined && testLimit === undefined
      ? ''
      : `; SMOKE RUN on ${limit ?? 60000} training and ${testLimit ?? 10000} test images`;
  console.log(
    `Speedrun: ${values.model}, seeds ${seeds.join(', ')}; S4 with ${workers} worker${workers === 1 ? '' : 's'}${torch ? `, PyTorch ${torch.version} with ${threads} thread${threads === 1 ? '' : 's'}` : ''}; each run in a fresh process, test set evaluated once at the end${slice}.`,
  );
  for (const [i, seed] of seeds.entries()) {
    loads.push(loadavg()[0]);
    const s4First = i % 2 === 0;
    const order = torch && !s4First ? ['torch', 's4'] : ['s4', 'torch'];
    for (const side of order) {
      if (side === 's4') {
        const run = await runS4(seed);
        s4Runs.push(run);
        console.log(
          `S4      seed ${seed}: final test accuracy ${run.accuracy.toFixed(2)}% (${run.correct}/${run.total}), wall time ${run.wallSeconds.toFixed(1)} s (load ${run.loadSeconds.toFixed(1)} s, training ${run.trainSeconds.toFixed(1)} s, evaluation ${run.evalSeconds.toFixed(1)} s)`,
        );
      } else if (torch) {
        const run = await runTorch(torch, recipe, seed);
        torchRuns.push(run);
        console.log(
          `PyTorch seed ${seed}: final test accuracy ${run.accuracy.toFixed(2)}%, wall time ${run.wallSeconds.toFixed(1)} s (in-process ${run.seconds.toFixed(1)} s)`,
        );
      }
    }
  }
  const s4Acc = stats(s4Runs.map((r) => r.accuracy));
  const s4Wall = stats(s4Runs.map((r) => r.wallSeconds));
  const torchAcc = torch ? stats(torchRuns.map((r) => r.accuracy)) : undefined;
  const torchWall = torch ? stats(torchRuns.map((r) => r.wallSeconds)) : undefined;
  const summary = {
    model: values.model,
    seeds,
    workers,
    limit,
    testLimit,
    startedAt: started.toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    loadAverageBeforeEachSeed: loads,
    s4: { accuracy: s4Acc, wallSeconds: s4Wall, runs: s4Runs },
    pytorch: torch
      ? {
          version: torch.version,
          threads,
          accuracy: torchAcc,
          wallSeconds: torchWall,
          runs: torchRuns,
        }
      : undefined,
  };
  const line = (name, acc, wall) =>
    `${name}: final test accuracy ${acc.mean.toFixed(2)}% ± ${acc.std.toFixed(2)} (mean ± std over ${seeds.length} seeds), min ${acc.min.toFixed(2)}%; wall time per run ${wall.min.toFixed(1)}–${wall.max.toFixed(1)} s`;
  console.log(line(`S4 ${values.model}`, s4Acc, s4Wall));
  if (torch) console.log(line(`PyTorch ${values.model}`, torchAcc, torchWall));

  const stamp = started.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  const base = join(values['results-dir'], `speedrun-${values.model}-${stamp}`);
  mkdirSync(values['results-dir'], { recursive: true });
  writeFileSync(`${base}.json`, `${JSON.stringify(summary, null, 2)}\n`);
  const table = markdownTable(summary, relative(ROOT, `${base}.json`));
  writeFileSync(`${base}.md`, `# Speedrun: ${values.model}, ${seeds.length} seeds\n\n${table}`);
  console.log(`Wrote ${relative(ROOT, base)}.json and .md`);
  if (slice === '') {
    writeBenchmarks(table);
    // Aligned as the repository's formatter (checked in CI) wants its tables.
    spawnSync(
      'pnpm',
      ['exec', 'biome', 'format', '--write', BENCHMARKS, `${base}.md`, `${base}.json`],
      {
        cwd: ROOT,
        stdio: 'ignore',
      },
    );
    console.log(`Wrote the speedrun table of ${relative(ROOT, BENCHMARKS)}`);
  }
}

function markdownTable(summary, resultFile) {
  const { seeds, s4, pytorch } = summary;
  const torchBySeed = new Map((pytorch?.runs ?? []).map((r) => [r.seed, r]));
  const cmd = `pnpm speedrun -- --model ${summary.model} --seeds ${seeds.join(',')} --workers ${summary.workers}${pytorch ? ` --threads ${pytorch.threads}` : ' --no-torch'}${summary.limit ? ` --limit ${summary.limit}` : ''}${summary.testLimit ? ` --test-limit ${summary.testLimit}` : ''}`;
  const head = pytorch
    ? [
        '| seed | S4 final test accuracy | S4 wall time (s) | PyTorch final test accuracy | PyTorch wall time (s) |',
        '| ---: | ---: | ---: | ---: | ---: |',
      ]
    : ['| seed | S4 final test accuracy | S4 wall time (s) |', '| ---: | ---: | ---: |'];
  const rows = s4.runs.map((r) => {
    const t = torchBySeed.get(r.seed);
    const cells = [r.seed, `${r.accuracy.toFixed(2)}%`, r.wallSeconds.toFixed(1)];
    if (pytorch) cells.push(`${t.accuracy.toFixed(2)}%`, t.wallSeconds.toFixed(1));
    return `| ${cells.join(' | ')} |`;
  });
  const sum = (acc, wall) =>
    `**${acc.mean.toFixed(2)}% ± ${acc.std.toFixed(2)}** (min ${acc.min.toFixed(2)}%), wall time ${wall.min.toFixed(1)}–${wall.max.toFixed(1)} s`;
  return [
    `\`${cmd}\`, started ${summary.startedAt}; result file \`${resultFile}\`.`,
    `Machine: ${summary.machine}; 1-minute load average before each seed: ${summary.loadAverageBeforeEachSeed.map((l) => l.toFixed(1)).join(', ')}.`,
    '',
    ...head,
    ...rows,
    '',
    `S4 ${summary.model}: ${sum(s4.accuracy, s4.wallSeconds)}.`,
    ...(pytorch
      ? [
          '',
          `PyTorch ${pytorch.version}, ${pytorch.threads} threads, ${pytorch.runs[0]?.memoryFormat ?? 'nchw'} memory format (the model's faster one in \`pnpm bench\`): ${sum(pytorch.accuracy, pytorch.wallSeconds)}.`,
        ]
      : []),
    '',
  ].join('\n');
}

/** Replaces the text between the speedrun markers of BENCHMARKS.md (atomically). */
function writeBenchmarks(table) {
  const before = existsSync(BENCHMARKS) ? readFileSync(BENCHMARKS, 'utf8') : '# Benchmarks\n';
  const start = before.indexOf(START);
  const end = before.indexOf(END);
  if (start < 0 || end < start) fail(`${BENCHMARKS}: expected the markers ${START} and ${END}`);
  const after = `${before.slice(0, start + START.length)}\n\n${table}\n${before.slice(end)}`;
  const temp = `${BENCHMARKS}.${process.pid}.tmp`;
  writeFileSync(temp, after);
  renameSync(temp, BENCHMARKS);
}
