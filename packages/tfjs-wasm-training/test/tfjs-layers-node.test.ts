import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectTrains, type TrainingResult, writeMnistSlices } from './mnist-slice';

// Each program runs in its own Node process (plain Node, the built package, as a user runs it),
// so a registration in one can never leak into another.
const run = promisify(execFile);
const program = (name: string) => fileURLToPath(new URL(`./program/${name}`, import.meta.url));
const TIMEOUT = 600_000;

let dir: string;
let files: { train: string; test: string };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 's4-tfjs-layers-'));
  files = await writeMnistSlices(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an unmodified tfjs-layers program (conv2d, batchNormalization, dropout, maxPooling2d, globalAveragePooling2d, dense) in Node', () => {
  it(
    'trains with model.fit on the wasm backend once the kernels are registered',
    async () => {
      const { stdout } = await run(process.execPath, [
        program('train-node.mjs'),
        files.train,
        files.test,
      ]);
      expectTrains(expect, JSON.parse(stdout) as TrainingResult, 'wasm');
    },
    TIMEOUT,
  );

  it(
    "fails without them, with tfjs's missing-kernel error",
    async () => {
      const failure = await run(process.execPath, [
        program('train-node.mjs'),
        files.train,
        files.test,
        '--without-kernels',
      ]).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failure, 'the program should have failed').toBeDefined();
      expect(failure!.code).not.toBe(0);
      expect(failure!.stderr).toContain(
        "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'",
      );
    },
    TIMEOUT,
  );

  it(
    'computes the gradients of every weight as the cpu backend does (within 1e-4)',
    async () => {
      const { stdout } = await run(process.execPath, [program('gradients-node.mjs'), files.train]);
      const { names, cpu, wasm } = JSON.parse(stdout) as {
        names: string[];
        cpu: { loss: number; gradients: number[][] };
        wasm: { loss: number; gradients: number[][] };
      };
      expect(names).toHaveLength(10);
      expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
      // Relative to the largest gradient entry of the model: the conv biases (followed by batch
      // norm) have a true gradient of 0, and both backends give rounding noise there.
      const scale = Math.max(...cpu.gradients.flat().map(Math.abs));
      expect(scale).toBeGreaterThan(0.01);
      names.forEach((name, i) => {
        const reference = cpu.gradients[i]!;
        const actual = wasm.gradients[i]!;
        expect(actual, name).toHaveLength(reference.length);
        const diff = Math.max(...actual.map((v, j) => Math.abs(v - reference[j]!)));
        expect(diff / scale, name).toBeLessThanOrEqual(1e-4);
      });
    },
    TIMEOUT,
  );
});
