import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, normalizePixels } from '@s4/core';
import { tf } from '@s4/core/tf';
import { loadMnist, type MnistData } from '@s4/mnist-data';
import { getZooModel, loadShippedModel } from '@s4/models';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt, root } from './cli-bin';

// The real `s4 export` and `s4 evaluate` bins, and onnxruntime-node (CPU binaries from its npm
// package; its install script never ran) running the exported files on the 10,000 test images.
const work = mkdtempSync(join(tmpdir(), 's4-export-'));
const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });

let test10k: MnistData;

beforeAll(async () => {
  ensureCliBuilt();
  test10k = await loadMnist({ split: 'test', download: false });
  await initBackend({ backend: 'wasm' });
}, 900_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const BATCH = 1000;

/** The exported model's outputs for every test image, fed as float32 pixels 0–255, NCHW. */
async function onnxOutputs(file: string, data: MnistData): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(file);
  try {
    expect(session.inputNames).toEqual(['input']);
    const out = new Float32Array(data.count * 10);
    for (let start = 0; start < data.count; start += BATCH) {
      const n = Math.min(BATCH, data.count - start);
      // One channel: NCHW and NHWC hold the same bytes.
      const pixels = Float32Array.from(data.images.subarray(start * 784, (start + n) * 784));
      const result = await session.run({
        input: new ort.Tensor('float32', pixels, [n, 1, 28, 28]),
      });
      const output = result[session.outputNames[0] as string];
      expect(output?.dims).toEqual([n, 10]);
      out.set(output?.data as Float32Array, start * 10);
    }
    return out;
  } finally {
    await session.release();
  }
}

/** The same model's outputs in S4 (wasm backend, eval mode), normalised as `s4 evaluate` does. */
async function s4Outputs(name: string, data: MnistData): Promise<Float32Array> {
  const loaded = await loadShippedModel(name);
  try {
    loaded.model.eval();
    const out = new Float32Array(data.count * 10);
    for (let start = 0; start < data.count; start += BATCH) {
      const n = Math.min(BATCH, data.count - start);
      const x = normalizePixels(
        data.images.subarray(start * 784, (start + n) * 784),
        loaded.normalization,
      );
      out.set(
        tf.tidy(() => loaded.model.call(tf.tensor4d(x, [n, 28, 28, 1])).dataSync() as Float32Array),
        start * 10,
      );
    }
    return out;
  } finally {
    loaded.model.dispose();
  }
}

function correctCount(outputs: Float32Array, labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let k = 1; k < 10; k++)
      if ((outputs[i * 10 + k] as number) > (outputs[i * 10 + best] as number)) best = k;
    if (best === labels[i]) correct++;
  }
  return correct;
}

describe('s4 export --format onnx, run by onnxruntime-node on the 10,000 MNIST test images', () => {
  test.each(['s4', 'seed-arch1', 'seed-arch2'])(
    '%s: the same correct count as `s4 evaluate` and the same log-probabilities to 1e-4',
    async (name) => {
      const file = join(work, `${name}.onnx`);
      const exported = s4('export', '--model', name, '--format', 'onnx', '--out', file);
      expect(exported.stderr).toBe('');
      expect(exported.status).toBe(0);
      expect(exported.stdout).toMatch(new RegExp(`wrote .*${name}\\.onnx \\(ONNX opset 13, `));

      const evaluated = s4('evaluate', '--model', name, '--json');
      expect(evaluated.status, evaluated.stderr).toBe(0);
      const report = JSON.parse(evaluated.stdout);
      expect(report.count).toBe(10_000);

      const onnx = await onnxOutputs(file, test10k);
      expect(correctCount(onnx, test10k.labels)).toBe(report.correct);

      const s4Out = await s4Outputs(name, test10k);
      expect(correctCount(s4Out, test10k.labels)).toBe(report.correct);
      let maxDiff = 0;
      for (let i = 0; i < onnx.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs((onnx[i] as number) - (s4Out[i] as number)));
      }
      expect(maxDiff).toBeLessThan(1e-4);
      // Log-probabilities: each row's probabilities add up to 1.
      const row = onnx.subarray(0, 10).reduce((sum, v) => sum + Math.exp(v), 0);
      expect(row).toBeCloseTo(1, 5);
      console.log(
        `${name}: ${report.correct}/10000 correct in both; max |Δ log-prob| ${maxDiff.toExponential(2)}`,
      );
    },
    300_000,
  );
});

describe('s4 export --model FILE --checkpoint DIR', () => {
  test('a model file with a checkpoint exports the same network as the zoo name', async () => {
    // The s4 architecture as a learner's model file, and its shipped weights as the checkpoint.
    const file = join(work, 's4-copy.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 's4-copy', architecture: getZooModel('s4').architecture }),
    );
    const fromFile = join(work, 's4-copy.onnx');
    const exported = s4(
      'export',
      '--model',
      file,
      '--checkpoint',
      join(root, 'packages/models/weights/s4'),
      '--format',
      'onnx',
      '--out',
      fromFile,
    );
    expect(exported.stderr).toBe('');
    expect(exported.status).toBe(0);
    expect(exported.stdout).toContain('s4-copy, input "input" float32 [N, 1, 28, 28]');
    const fromName = join(work, 's4-by-name.onnx');
    expect(s4('export', '--model', 's4', '--format', 'onnx', '--out', fromName).status).toBe(0);
    const first = { ...test10k, count: 1000 };
    expect(await onnxOutputs(fromFile, first)).toEqual(await onnxOutputs(fromName, first));
  }, 300_000);
});

describe('s4 export refuses bad input: exit 2, a clear message, nothing written', () => {
  const filesIn = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

  test.each([
    [['--model', 'nope'], /unknown model|nope/i],
    [['--format', 'tflite'], /--format.*expected one of onnx, found "tflite"/],
    [['--input', 'raw'], /--input.*expected one of pixels, normalized, found "raw"/],
    [['--checkpoint', 'no-such-run'], /no-such-run/],
    [
      ['--model', './no-such-net.json'],
      /--model \.\/no-such-net\.json: cannot read the model file/,
    ],
  ])('%j', (args, message) => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const defaults = { '--format': 'onnx', '--out': join(dir, 'model.onnx') } as Record<
      string,
      string
    >;
    for (let i = 0; i < args.length; i += 2) defaults[args[i] as string] = args[i + 1] as string;
    const { '--format': format, '--out': out, ...rest } = defaults;
    const result = s4(
      'export',
      '--format',
      format as string,
      '--out',
      out as string,
      ...Object.entries(rest).flat(),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(filesIn(dir)).toEqual([]);
  });

  test('a model file without --checkpoint: it has no weights', () => {
    const dir = mkdtempSync(join(work, 'no-weights-'));
    writeFileSync(
      join(dir, 'net.json'),
      JSON.stringify({ name: 'mine', architecture: getZooModel('s4').architecture }),
    );
    const result = s4(
      'export',
      '--model',
      join(dir, 'net.json'),
      '--format',
      'onnx',
      '--out',
      join(dir, 'm.onnx'),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/net\.json is a model file without weights: train it with/);
    expect(filesIn(dir)).toEqual(['net.json']);
  });

  test('no --out, or no --format', () => {
    expect(s4('export', '--format', 'onnx').status).toBe(2);
    expect(s4('export', '--out', join(work, 'x.onnx')).status).toBe(2);
    expect(readdirSync(work)).not.toContain('x.onnx');
  });

  test('an --out that cannot be written: inside a file, or a folder', () => {
    const dir = mkdtempSync(join(work, 'unwritable-'));
    writeFileSync(join(dir, 'a-file'), 'x');
    const inFile = s4('export', '--format', 'onnx', '--out', join(dir, 'a-file', 'model.onnx'));
    expect(inFile.status).toBe(2);
    expect(inFile.stderr).toMatch(
      /--out: cannot write .*a-file\/model\.onnx: .*a-file is a file, not a folder/,
    );
    mkdirSync(join(dir, 'folder'));
    const folder = s4('export', '--format', 'onnx', '--out', join(dir, 'folder'));
    expect(folder.status).toBe(2);
    expect(folder.stderr).toMatch(/--out: expected a file name, found a folder/);
    expect(filesIn(dir)).toEqual(['a-file', 'folder']);
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('x');
  });
});
