import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** The value names each entry of the built package exports, read by a plain `node` process. */
async function builtNames(entry: string): Promise<string[]> {
  const script = `console.log(JSON.stringify(Object.keys(await import(${JSON.stringify(entry)})).sort()))`;
  // The package imports itself by name: Node resolves that through its own `exports`, as an
  // app's import would be (no source condition).
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageRoot,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '[]');
}

describe('the built package entries', () => {
  it('resolve from the published exports to files that exist, declarations first', () => {
    const exportsMap = pkg.publishConfig.exports as Record<string, unknown>;
    expect(Object.keys(exportsMap).sort()).toEqual(
      ['.', './checkpoint', './onnx', './package.json', './parallel', './tf'].sort(),
    );
    const files = JSON.stringify(exportsMap).match(/\.\/dist\/[\w.-]+/g) ?? [];
    for (const file of files) {
      expect(existsSync(new URL(`../${file}`, import.meta.url)), file).toBe(true);
    }
    for (const [name, target] of Object.entries(exportsMap)) {
      if (typeof target === 'string') continue;
      const conditions = Object.values(target as object).some((v) => typeof v === 'object')
        ? Object.values(target as Record<string, Record<string, string>>)
        : [target as Record<string, string>];
      for (const c of conditions) expect(Object.keys(c)[0], name).toBe('types');
    }
  });

  it('@s4/core: training, evaluation and predict, without internals', async () => {
    const names = await builtNames('@s4/core');
    for (const name of [
      'fit',
      'evaluate',
      'predict',
      'initBackend',
      'Sequential',
      'SGD',
      'VERSION',
    ])
      expect(names).toContain(name);
    for (const name of [
      'tf',
      'saveCheckpoint',
      'WorkerPool',
      'normalizationTable',
      'computeGradients',
    ])
      expect(names).not.toContain(name);
  });

  it('@s4/core/checkpoint, /parallel and /tf: their own names', async () => {
    expect(await builtNames('@s4/core/checkpoint')).toEqual(
      [
        'CHECKPOINT_FORMAT',
        'CHECKPOINT_FORMAT_VERSION',
        'MODEL_JSON',
        'TRAINING_STATE_VERSION',
        'WEIGHTS_BIN',
        'decodeCheckpoint',
        'encodeCheckpoint',
        'loadCheckpoint',
        'loadTrainingCheckpoint',
        'recoverCheckpoint',
        'saveCheckpoint',
        'saveTrainingCheckpoint',
      ].sort(),
    );
    expect(await builtNames('@s4/core/parallel')).toEqual(
      ['WorkerPool', 'defaultWorkerUrl', 'serveParallelWorker'].sort(),
    );
    expect(await builtNames('@s4/core/tf')).toEqual(['batchNormTrainFused', 'tf']);
  });

  it('share one copy of the classes across entries', async () => {
    const script = `
import { Linear, Sequential, initBackend } from '@s4/core';
import { decodeCheckpoint, encodeCheckpoint } from '@s4/core/checkpoint';
await initBackend({ backend: 'cpu' });
const encoded = await encodeCheckpoint(new Sequential(new Linear(2, 2)), { normalization: { mean: 0, std: 1 } });
console.log(decodeCheckpoint(encoded.json, encoded.weights).model instanceof Sequential);
`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
    });
    expect(stdout.trim().split('\n').at(-1)).toBe('true');
  });
});
