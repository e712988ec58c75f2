// `pnpm bench:train`: trains every zoo model with its recipe through the real `s4 train` bin and
// writes the "Training runs" section of BENCHMARKS.md (other sections are left as they are).
//
//   pnpm bench:train                         train s4, seed-arch1, seed-arch2 (hours on 2 cores)
//   pnpm bench:train --models s4             only some models
//   pnpm bench:train --report-only --run s4=packages/models/weights-runs/s4-seed1
//                                            rewrite the section from existing run folders
//   pnpm bench:train --report-only --models s4,s4-seed2 --run s4=… --run s4-seed2=…
//                                            (in a report, names are only labels)
//
// Per epoch: test accuracy, test loss, training seconds, images/s; final and best accuracy;
// total wall time (including evaluation); the machine and its load.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'packages/cli/dist/bin.js');
const BENCHMARKS = join(root, 'BENCHMARKS.md');
const START = '<!-- bench:train:start -->';
const END = '<!-- bench:train:end -->';

// `pnpm bench -- --flag` passes the `--` through (pnpm 10): drop it.
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv[0] === '--' ? argv.slice(1) : argv,
  options: {
    models: { type: 'string', default: 's4,seed-arch1,seed-arch2' },
    'runs-dir': { type: 'string', default: 'runs/bench-train' },
    'report-only': { type: 'boolean', default: false },
    run: { type: 'string', multiple: true, default: [] },
  },
});

const machine = () => {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} logical cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
};

const readMetrics = (dir) => {
  const file = join(dir, 'metrics.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
};

const runConfig = (dir) => {
  const file = join(dir, 'last', 'model.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).metadata?.config : undefined;
};

const fmtTime = (s) => `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;

function section(runs) {
  const lines = [
    START,
    '## Training runs (`pnpm bench:train`)',
    '',
    `Each zoo model trained with its recipe by \`s4 train\` (tfjs-core + wasm backend). Written ${new Date().toISOString()}.`,
    `Machine: ${machine()}; load average when written: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (the machine is shared: images/s are only comparable within one run).`,
    '',
    '| run | seed | epochs | final test accuracy | best (epoch) | first ≥ 99.40% | total wall time | median images/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.flatMap(({ name, dir }) => {
      const metrics = readMetrics(dir);
      if (metrics.length === 0) return [];
      const config = runConfig(dir);
      const final = metrics.at(-1);
      const best = metrics.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
      const hit = metrics.find((m) => m.testAccuracy >= 99.4);
      const speeds = metrics.map((m) => m.trainImagesPerSec).sort((a, b) => a - b);
      const speed = speeds[Math.floor((speeds.length - 1) / 2)] ?? Number.NaN;
      return [
        `| ${name} | ${config?.seed ?? '–'} | ${metrics.length} | ${final.testAccuracy.toFixed(2)}% | ${best.testAccuracy.toFixed(2)}% (${best.epoch}) | ${hit ? `epoch ${hit.epoch}, ${fmtTime(hit.elapsedSeconds)}` : 'not reached'} | ${fmtTime(final.elapsedSeconds)} | ${speed.toFixed(0)} |`,
      ];
    }),
    '',
  ];
  for (const { name, dir } of runs) {
    const metrics = readMetrics(dir);
    const config = runConfig(dir);
    lines.push(`### ${name}`, '');
    if (metrics.length === 0) {
      lines.push(`No finished epoch yet in \`${relative(root, dir)}\`.`, '');
      continue;
    }
    const epochs = config?.epochs ?? metrics.length;
    const final = metrics.at(-1);
    const best = metrics.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
    const hit = metrics.find((m) => m.testAccuracy >= 99.4);
    lines.push(
      `Run folder \`${relative(root, dir)}\`${config ? `, seed ${config.seed}, batch ${config.batchSize}, ${config.backend}` : ''}: ${metrics.length}/${epochs} epochs${metrics.length < epochs ? ` (**incomplete**: resume with \`s4 train --resume ${relative(root, dir)}\`)` : ''}.`,
      '',
      '| epoch | test accuracy | test loss | train loss | train accuracy | seconds | images/s |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...metrics.map(
        (m) =>
          `| ${m.epoch} | ${m.testAccuracy.toFixed(2)}% | ${m.testLoss.toFixed(4)} | ${m.trainLoss.toFixed(4)} | ${m.trainAccuracy.toFixed(2)}% | ${m.seconds.toFixed(0)} | ${m.trainImagesPerSec.toFixed(0)} |`,
      ),
      '',
      `Final (epoch ${final.epoch}): **${final.testAccuracy.toFixed(2)}%**; best: ${best.testAccuracy.toFixed(2)}% (epoch ${best.epoch}); first ≥ 99.40%: ${hit ? `epoch ${hit.epoch}, ${fmtTime(hit.elapsedSeconds)} after the start` : 'not reached'}; total wall time ${fmtTime(final.elapsedSeconds)}.`,
      '',
    );
    // A run's own remarks (resumes, load, worker changes), kept in its folder.
    const notes = join(dir, 'NOTES.md');
    if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trim(), '');
  }
  lines.push(END);
  return lines.join('\n');
}

function writeSection(text) {
  const before = existsSync(BENCHMARKS) ? readFileSync(BENCHMARKS, 'utf8') : '# Benchmarks\n';
  const start = before.indexOf(START);
  const end = before.indexOf(END);
  const after =
    start >= 0 && end > start
      ? `${before.slice(0, start)}${text}${before.slice(end + END.length)}`
      : `${before.trimEnd()}\n\n${text}\n`;
  // Atomic: other benchmark scripts write their own sections of the same file.
  const temp = `${BENCHMARKS}.${process.pid}.tmp`;
  writeFileSync(temp, after);
  renameSync(temp, BENCHMARKS);
  // Biome formats Markdown (aligned tables) and CI checks it: leave the file as it would.
  spawnSync('pnpm', ['exec', 'biome', 'format', '--write', BENCHMARKS], {
    cwd: root,
    stdio: 'ignore',
  });
}

const given = new Map(values.run.map((r) => r.split('=')));
const runs = values.models.split(',').map((name) => ({
  name,
  dir: given.get(name) ? join(root, given.get(name)) : join(root, values['runs-dir'], name),
}));

if (!values['report-only']) {
  for (const { name, dir } of runs) {
    const resume = existsSync(join(dir, 'last', 'model.json'));
    const args = resume ? ['train', '--resume', dir] : ['train', '--model', name, '--out', dir];
    console.log(`\n$ s4 ${args.join(' ')}`);
    const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', cwd: root });
    if (result.status !== 0) {
      console.error(`s4 train for ${name} exited with ${result.status}; writing what it reached`);
      break;
    }
  }
}
writeSection(section(runs));
console.log(`Wrote the training section of ${relative(process.cwd(), BENCHMARKS) || BENCHMARKS}`);
