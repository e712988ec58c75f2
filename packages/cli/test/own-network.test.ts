import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

// A learner's own network as a JSON file, through the real `s4` bin.
const work = mkdtempSync(join(tmpdir(), 's4-own-'));

beforeAll(ensureCliBuilt, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });

/** 430 parameters: conv 1→4 (no bias), BN, ReLU, pool, conv 4→8, ReLU, dropout, GAP, Linear. */
const net = {
  $schema: '../node_modules/@s4/models/model-file.schema.json',
  name: 'tiny',
  description: 'A tiny network of my own',
  architecture: [
    { type: 'conv2d', inChannels: 1, outChannels: 4, kernelSize: 3, bias: false },
    { type: 'batchnorm2d', numFeatures: 4 },
    { type: 'relu' },
    { type: 'maxpool2d', kernelSize: 2 },
    { type: 'conv2d', inChannels: 4, outChannels: 8, kernelSize: 3 },
    { type: 'relu' },
    { type: 'dropout', p: 0.05 },
    { type: 'gap' },
    { type: 'linear', inFeatures: 8, outFeatures: 10 },
    { type: 'logsoftmax', functional: true },
  ] as Record<string, unknown>[],
  recipe: { epochs: 2, batchSize: 64 },
};
const write = (name: string, content: unknown) => {
  writeFileSync(
    join(work, name),
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  );
  return `./${name}`;
};

/** Cheap training: 512 images, 200 test images, one worker. */
const CHEAP = ['--limit', '512', '--test-limit', '200', '--workers', '1'];

describe('model files on the command line', () => {
  test('s4 summary --model ./net.json prints its torchsummary table', () => {
    const result = s4('summary', '--model', write('net.json', net));
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      '            Conv2d-5            [-1, 8, 11, 11]             296',
    );
    expect(result.stdout).toContain(
      '     GlobalAvgPool-8                    [-1, 8]               0',
    );
    expect(result.stdout).toContain('Total params: 430');
  });

  test.each([
    [
      'channels that do not chain',
      { ...net, architecture: net.architecture.with(4, { ...net.architecture[4], inChannels: 6 }) },
      './bad.json: architecture[4] (conv2d): inChannels 6, but the previous layer outputs 4',
    ],
    [
      'an unknown layer type',
      { ...net, architecture: net.architecture.with(2, { type: 'gelu' }) },
      './bad.json: architecture[2]: unknown layer type "gelu"',
    ],
    [
      'a spatial size below 1',
      {
        ...net,
        architecture: net.architecture.with(4, { ...net.architecture[4], kernelSize: 14 }),
      },
      './bad.json: architecture[4] (conv2d): a 14×14 kernel with stride 1×1 and padding 0 on a 13×13 input gives 0×0',
    ],
    [
      'a head that is not 10 classes',
      {
        ...net,
        architecture: net.architecture.with(8, { type: 'linear', inFeatures: 8, outFeatures: 5 }),
      },
      './bad.json: architecture[9] (logsoftmax): the network must end in 10 class scores [10], but it outputs [5]',
    ],
    [
      'invalid JSON',
      '{\n  "name": "tiny",\n  "architecture": [\n    {"type": "relu"}\n  \n}\n',
      './bad.json: invalid JSON at line 6, column 1',
    ],
  ])(
    'a file with %s exits with code 2, says where, and writes nothing',
    (_what, content, message) => {
      const file = write('bad.json', content);
      const out = join(work, 'never');
      const result = s4('train', '--model', file, '--seeds', '1,2', '--out', out, ...CHEAP);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`error: ${message}`);
      expect(existsSync(out)).toBe(false);
    },
  );

  test('every command taking --model refuses a bad file the same way', () => {
    const file = write('bad.json', {
      ...net,
      architecture: net.architecture.with(4, { ...net.architecture[4], inChannels: 6 }),
    });
    const out = join(work, 'never');
    for (const command of [
      ['train', '--model', file, '--out', out, ...CHEAP],
      ['summary', '--model', file],
      ['bench', '--model', file],
      ['evaluate', '--model', file, '--checkpoint', out],
    ]) {
      const result = s4(...command);
      expect(result.status, command.join(' ')).toBe(2);
      expect(result.stderr).toContain(
        'error: ./bad.json: architecture[4] (conv2d): inChannels 6, but the previous layer outputs 4',
      );
      expect(existsSync(out)).toBe(false);
    }
  });

  test('a missing file and a model file without weights are usage errors', () => {
    expect(s4('summary', '--model', './nowhere.json')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining(
        '--model ./nowhere.json: cannot read the model file (ENOENT)',
      ),
    });
    expect(s4('evaluate', '--model', write('net.json', net))).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('is a model file without weights'),
    });
  });

  test('--seeds refuses bad lists and --seed beside it', () => {
    expect(s4('train', '--seeds', '1,x')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(
        /expected comma-separated integers ≥ 0 like 1,2,3, found "1,x"/,
      ),
    });
    expect(s4('train', '--seeds', '1,1').stderr).toMatch(/expected distinct seeds/);
    expect(s4('train', '--seeds', '1,2', '--seed', '3')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--seed and --seeds exclude each other'),
    });
  });
});

describe('s4 check', () => {
  /** The rows of a torchsummary-style table: name, shape and params (and any further columns). */
  const tableRows = (text: string) =>
    text
      .split('\n')
      .filter((line) => /^\s+[A-Za-z0-9]+-\d+\s+\[/.test(line))
      .map((line) => {
        const match = /^\s+(\S+)\s+(\[[^\]]*\])\s+(\S+)(.*)$/.exec(line) as RegExpExecArray;
        return { name: match[1], shape: match[2], params: match[3], rest: match[4]!.trim() };
      });

  test.each(['s4', 'seed-arch1', 'seed-arch2'])(
    "%s: check's shapes and params are those of s4 summary's real forward pass",
    (name) => {
      const checked = s4('check', '--model', name);
      const summarized = s4('summary', '--model', name);
      expect(checked.status, checked.stderr).toBe(0);
      const summaryRows = tableRows(summarized.stdout);
      expect(summaryRows.length).toBeGreaterThan(10);
      expect(tableRows(checked.stdout).map(({ rest: _, ...row }) => row)).toEqual(
        summaryRows.map(({ rest: _, ...row }) => row),
      );
      const total = /Total params: (\S+)/.exec(summarized.stdout)?.[1];
      expect(checked.stdout).toContain(`Total params: ${total}`);
    },
  );

  test('prints receptive field, jump and multiply-adds per row, the checklist and a verdict', () => {
    const { stdout } = s4('check', '--model', 's4');
    // Hand-worked: see the @s4/models receptive-field tests for the whole tables.
    expect(stdout).toContain(
      '        MaxPool2d-13           [-1, 16, 11, 11]               0      8      2              0',
    );
    expect(stdout).toContain(
      '           Conv2d-14             [-1, 12, 9, 9]           1,728     12      2        139,968',
    );
    expect(stdout).toContain(
      '    GlobalAvgPool-25                   [-1, 16]               0     28     10              0',
    );
    expect(stdout).toContain('Total mult-adds per image: 1,629,520');
    expect(stdout).toContain('  ✓ uses Global Average Pooling (1 GAP layer)');
    expect(stdout).toMatch(
      /^Verdict: s4 meets all 5 constraints \(7,738 parameters, receptive field 28 px\)\.$/m,
    );
    const arch1 = s4('check', '--model', 'seed-arch1').stdout;
    expect(arch1).toContain(
      '           Linear-10                   [-1, 20]           2,900     26     12          2,880',
    );
    expect(arch1).toMatch(
      /^Verdict: seed-arch1 fails 2 of 5 constraints: exactly one fully connected layer \(2 Linear layers\); uses Global Average Pooling \(0 GAP layers\)\.$/m,
    );
  });

  test('--json for tools, and a model file', () => {
    const result = s4('check', '--model', write('net.json', net), '--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      model: 'tiny',
      params: 430,
      receptiveField: 28,
      verdict: { passed: true },
    });
    // conv 4·26·26·9 + conv 8·11·11·9·4 + linear 8·10
    expect(report.multiplyAdds).toBe(4 * 26 * 26 * 9 + 8 * 11 * 11 * 9 * 4 + 80);
    expect(report.layers).toHaveLength(10);
    expect(report.layers[9]).toMatchObject({ type: 'logsoftmax', functional: true });
    expect(report.layers[4]).toMatchObject({
      summaryName: 'Conv2d-5',
      outputShape: [8, 11, 11],
      receptiveField: 8,
      jump: 2,
    });
  });
});

describe('the learner round trip', () => {
  test('write net.json, check it, train --model ./net.json --seeds 1,2 (a run folder per seed, a summary), evaluate it, compare with an s4 run', () => {
    const file = write('net.json', net);
    const checked = s4('check', '--model', file);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(
      /^Verdict: tiny meets all 5 constraints \(430 parameters, receptive field 28 px\)\.$/m,
    );
    const out = join(work, 'tiny-seeds');
    const result = s4('train', '--model', file, '--seeds', '1,2', '--out', out, ...CHEAP);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('=== Seed 1 (1 of 2) ===');
    expect(result.stdout).toContain('Training tiny: the model file ./net.json');
    expect(result.stdout).toContain('Total params: 430');
    const summary = JSON.parse(readFileSync(join(out, 'seeds.json'), 'utf8'));
    expect(summary.seeds).toEqual([1, 2]);
    const finals: number[] = [];
    for (const seed of [1, 2]) {
      const run = join(out, `seed-${seed}`);
      const metrics = readFileSync(join(run, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      // The file's recipe (2 epochs, batch 64) ran, with this seed.
      expect(metrics).toHaveLength(2);
      const checkpoint = JSON.parse(readFileSync(join(run, 'last', 'model.json'), 'utf8'));
      expect(checkpoint.metadata.config).toMatchObject({
        model: 'tiny',
        modelFile: './net.json',
        seed,
        batchSize: 64,
      });
      expect(checkpoint.architecture).toHaveLength(10);
      finals.push(metrics[1].testAccuracy);
      expect(summary.runs[seed - 1]).toMatchObject({
        seed,
        dir: `seed-${seed}`,
        epochs: 2,
        finalAccuracy: metrics[1].testAccuracy,
        wallSeconds: metrics[1].elapsedSeconds,
      });
    }
    // Two different seeds train differently; the statistics are those of the two runs.
    expect(finals[0]).not.toBe(finals[1]);
    const mean = (finals[0]! + finals[1]!) / 2;
    expect(summary.finalAccuracy.mean).toBeCloseTo(mean, 10);
    expect(summary.finalAccuracy.min).toBe(Math.min(...finals));
    expect(summary.finalAccuracy.std).toBeCloseTo(
      Math.abs(finals[0]! - finals[1]!) / Math.SQRT2,
      10,
    );
    const markdown = readFileSync(join(out, 'seeds.md'), 'utf8');
    expect(markdown).toContain(`| 1 | 2 | ${finals[0]!.toFixed(2)} |`);
    expect(markdown).toContain(`${summary.finalAccuracy.mean.toFixed(2)} ± `);
    expect(readFileSync(join(out, 'seeds-curves.svg'), 'utf8')).toContain('seed 2');
    expect(PNG.sync.read(readFileSync(join(out, 'seeds-curves.png'))).width).toBeGreaterThan(600);
    // A trained model file evaluates from its checkpoint.
    const evaluated = s4(
      'evaluate',
      '--model',
      file,
      '--checkpoint',
      join(out, 'seed-1', 'last'),
      '--limit',
      '200',
      '--json',
    );
    expect(evaluated.status, evaluated.stderr).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ model: 'tiny', params: 430, count: 200 });

    // An s4 run to compare with, then the comparison.
    const s4run = join(work, 's4-run');
    const trained = s4('train', '--epochs', '1', '--out', s4run, ...CHEAP);
    expect(trained.status, trained.stderr).toBe(0);
    const comparison = join(work, 'comparison');
    const compared = s4('compare', out, s4run, '--out', comparison);
    expect(compared.status, compared.stderr).toBe(0);
    const s4final = JSON.parse(readFileSync(join(s4run, 'metrics.jsonl'), 'utf8')).testAccuracy;
    expect(compared.stdout).toMatch(
      /^run\s+model\s+params\s+final acc\s+best acc \(epoch\)\s+epochs\s+wall time$/m,
    );
    expect(compared.stdout).toMatch(
      new RegExp(`^tiny-seeds/seed-1\\s+tiny\\s+430\\s+${finals[0]!.toFixed(2)}%`, 'm'),
    );
    expect(compared.stdout).toMatch(
      new RegExp(
        `^s4-run\\s+s4\\s+7,738\\s+${s4final.toFixed(2)}%\\s+${s4final.toFixed(2)}% \\(1\\)\\s+1\\s`,
        'm',
      ),
    );
    const all = [...finals, s4final];
    const best = ['tiny-seeds/seed-1', 'tiny-seeds/seed-2', 's4-run'][
      all.indexOf(Math.max(...all))
    ];
    expect(compared.stdout).toContain(`Best final test accuracy: ${best} (`);
    const json = JSON.parse(readFileSync(join(comparison, 'compare.json'), 'utf8'));
    expect(json.map((r: { label: string }) => r.label)).toEqual([
      'tiny-seeds/seed-1',
      'tiny-seeds/seed-2',
      's4-run',
    ]);
    expect(readFileSync(join(comparison, 'compare.md'), 'utf8')).toContain(
      '| s4-run | s4 | 7,738 |',
    );
    const svg = readFileSync(join(comparison, 'compare-curves.svg'), 'utf8');
    expect(svg).toContain('s4-run (s4)');
    expect(svg).toContain('tiny-seeds/seed-2 (tiny)');
    expect(
      PNG.sync.read(readFileSync(join(comparison, 'compare-curves.png'))).width,
    ).toBeGreaterThan(600);

    // A folder that is no run: exit 2, nothing written.
    const refused = s4('compare', s4run, join(work, 'nowhere'), '--out', join(work, 'no-compare'));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('nowhere: expected a run folder of s4 train');
    expect(existsSync(join(work, 'no-compare'))).toBe(false);
  }, 600_000);
});
