import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const builtEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
// The browser bundle itself (dist/browser.js and the other browser entries re-export it).
const browserEntry = fileURLToPath(new URL('../dist/browser-api.js', import.meta.url));
// tfjs and the fused op, as the package exports them (`@s4/core/tf`).
const builtTf = fileURLToPath(new URL('../dist/tf.js', import.meta.url));

// One SGD step of a conv net (conv, batch norm, pooling) on wasm, from the built ESM bundle in a plain `node` process (no
// vitest transforms): the way the CLI runs it. Prints JSON for the assertions below.
const SCRIPT = `
import { initBackend } from ${JSON.stringify(builtEntry)};
import { batchNormTrainFused, tf } from ${JSON.stringify(builtTf)};
const info = await initBackend({ backend: 'wasm' });
const x = tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 1);
const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
const w = tf.variable(tf.randomNormal([3, 3, 1, 2], 0, 0.5, 'float32', 2));
const v = tf.variable(tf.randomNormal([32, 3], 0, 0.5, 'float32', 3));
const loss = () => tf.tidy(() => {
  const conv = tf.conv2d(x, w, 2, 'same');
  const wide = tf.concat([conv, conv, conv, conv], 3);
  const normed = batchNormTrainFused(wide, tf.ones([8]), tf.zeros([8]), 1e-5);
  const h = tf.relu(tf.maxPool(normed, 2, 2, 'valid'));
  const logits = tf.matMul(tf.reshape(h, [4, 32]), v);
  return tf.losses.softmaxCrossEntropy(labels, logits);
});
const before = loss().dataSync()[0];
const { value, grads } = tf.variableGrads(loss);
const gradNorm = tf.norm(grads[w.name]).dataSync()[0];
w.assign(tf.sub(w, tf.mul(grads[w.name], 0.05)));
v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05)));
const after = loss().dataSync()[0];
console.log(JSON.stringify({ info, backend: tf.getBackend(), before, after, gradNorm }));
`;

describe('the built package in plain Node', () => {
  it('trains a conv step on wasm from dist/index.js', async () => {
    expect(existsSync(builtEntry), 'run `pnpm --filter @s4/core build` first').toBe(true);
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', SCRIPT], {
      cwd: packageRoot,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result.info).toEqual({ backend: 'wasm', simd: true });
    expect(result.backend).toBe('wasm');
    expect(result.gradNorm).toBeGreaterThan(0);
    expect(result.after).toBeLessThan(result.before);
  });

  it('shares one tfjs engine with @tensorflow/tfjs-core imported beside it, without warnings', async () => {
    const script = `
import * as tf from '@tensorflow/tfjs-core';
const core = { ...(await import(${JSON.stringify(builtEntry)})), ...(await import(${JSON.stringify(builtTf)})) };
await core.initBackend({ backend: 'wasm' });
const x = tf.tensor1d([1, 2, 3]);
const grad = core.tf.grad((v) => v.square().sum())(x);
console.log(JSON.stringify({ sameEngine: tf.engine() === core.tf.engine(), grad: Array.from(grad.dataSync()) }));
`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageRoot,
    });
    expect(JSON.parse(stdout.trim())).toEqual({ sameEngine: true, grad: [2, 4, 6] });
    expect(stderr).not.toMatch(/already been set|already registered/);
  });

  it('can be loaded with require() (Node >= 20.19 loads the ESM build)', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-e', `console.log(typeof require(${JSON.stringify(builtEntry)}).initBackend)`],
      { cwd: packageRoot },
    );
    expect(stdout.trim()).toBe('function');
  });

  it('ships a browser bundle that imports no Node built-ins', () => {
    const source = readFileSync(browserEntry, 'utf8');
    const nodeImport =
      /(?:^|\n)\s*import\s[^;]*?from\s*["'](?:node:\w+|fs|path|module|url|os|worker_threads|perf_hooks|crypto)["']/;
    // Boolean checks: a failing string match would print the whole 1 MB bundle.
    expect(nodeImport.test(source), 'a static import of a Node built-in').toBe(false);
    // tfjs stays a dependency the bundler resolves (and shares with the app), not a copy inside.
    expect(
      source.includes("from '@tensorflow/tfjs-core'") ||
        source.includes('from "@tensorflow/tfjs-core"'),
    ).toBe(true);
    expect(source.includes('class Engine'), 'a bundled tfjs engine').toBe(false);
  });
});
