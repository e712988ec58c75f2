import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  AvgPool2d,
  type BatchNorm,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  GlobalAvgPool,
  initBackend,
  Linear,
  LogSoftmax,
  MaxPool2d,
} from '../src/public-api';

// PyTorch's own outputs on seeded inputs, written by fixtures/torch-layers.py (torch 1.13).
type Nested = number | Nested[];
interface Step {
  x: Nested;
  r: Nested;
  y: Nested;
  dx: Nested;
  dweight: number[];
  dbias: number[];
  running_mean: number[];
  running_var: number[];
  num_batches_tracked: number;
}
const torch = JSON.parse(
  readFileSync(new URL('./fixtures/torch-layers.json', import.meta.url), 'utf8'),
) as {
  conv2d: Array<{
    stride: number;
    padding: number;
    x: Nested;
    weight: Nested;
    bias: number[] | null;
    y: Nested;
  }>;
  batchnorm2d: { steps: Step[]; eval: { x: Nested; y: Nested } };
  batchnorm1d: { steps: Step[]; eval: { x: Nested; y: Nested } };
  maxpool2d: { x: Nested; y: Nested; y3s2: Nested };
  avgpool2d: { x: Nested; y: Nested; y3s2: Nested };
  gap: { x: Nested; y: Nested };
  linear: { x: Nested; weight: Nested; bias: number[]; y: Nested };
  logsoftmax: { x: Nested; y: Nested; scale: number };
};

/** A PyTorch tensor in S4's layout: NCHW → NHWC, OIHW → [kh, kw, in, out], [out, in] → [in, out]. */
function fromTorch(value: Nested, kind: 'nchw' | 'oihw' | 'linear' | 'plain'): tf.Tensor {
  const t = tf.tensor(value as number[]);
  if (kind === 'nchw') return tf.transpose(t, [0, 2, 3, 1]);
  if (kind === 'oihw') return tf.transpose(t, [2, 3, 1, 0]);
  if (kind === 'linear') return tf.transpose(t, [1, 0]);
  return t;
}

/** An S4 tensor compared in PyTorch's layout (NHWC → NCHW for images). */
function expectTorchClose(actual: tf.Tensor, expected: Nested, tol = 1e-5): void {
  const inTorchLayout = actual.rank === 4 ? tf.transpose(actual, [0, 3, 1, 2]) : actual;
  const want = tf.tensor(expected as number[]);
  expect(inTorchLayout.shape).toEqual(want.shape);
  const got = inTorchLayout.dataSync();
  const ref = want.dataSync();
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    worst = Math.max(
      worst,
      Math.abs((got[i] as number) - (ref[i] as number)) / Math.max(1, Math.abs(ref[i] as number)),
    );
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`layers against PyTorch (${backend})`, () => {
    beforeAll(async () => {
      await initBackend({ backend });
    });

    it('Conv2d with strides, zero padding and optional bias', () => {
      for (const c of torch.conv2d) {
        const [out, inC, kh] = [
          (c.weight as Nested[]).length,
          ((c.weight as Nested[])[0] as Nested[]).length,
          3,
        ];
        const conv = new Conv2d(inC, out, kh, {
          stride: c.stride,
          padding: c.padding,
          bias: c.bias !== null,
        });
        tf.tidy(() => {
          conv.weight.assign(fromTorch(c.weight, 'oihw'));
          if (c.bias) conv.bias?.assign(tf.tensor1d(c.bias));
          expectTorchClose(conv.forward(fromTorch(c.x, 'nchw')), c.y);
        });
        conv.dispose();
      }
    });

    for (const [name, make, kind] of [
      ['batchnorm2d', () => new BatchNorm2d(3), 'nchw'],
      ['batchnorm1d', () => new BatchNorm1d(3), 'plain'],
    ] as const) {
      it(`${name}: outputs, gradients, running statistics and eval mode`, () => {
        const bn: BatchNorm = make();
        bn.weight.assign(tf.tensor1d([0.5, 2, -1]));
        bn.bias.assign(tf.tensor1d([0.1, -0.3, 1]));
        for (const step of torch[name].steps) {
          tf.tidy(() => {
            const x = fromTorch(step.x, kind);
            const r = fromTorch(step.r, kind);
            // One training-mode forward per step, as in PyTorch (each one updates the statistics).
            let y: tf.Tensor | undefined;
            const { grads } = tf.valueAndGrads((input: tf.Tensor, _w: tf.Tensor, _b: tf.Tensor) => {
              const out = bn.forward(input);
              y = tf.keep(out.clone());
              return tf.sum(tf.mul(out, r)) as tf.Scalar;
            })([x, bn.weight, bn.bias]);
            expectTorchClose(y as tf.Tensor, step.y);
            expectTorchClose(grads[0] as tf.Tensor, step.dx, 1e-4);
            expectTorchClose(grads[1] as tf.Tensor, step.dweight, 1e-4);
            expectTorchClose(grads[2] as tf.Tensor, step.dbias, 1e-4);
            (y as tf.Tensor).dispose();
          });
        }
        expectTorchClose(bn.runningMean, torch[name].steps[1]?.running_mean as number[]);
        expectTorchClose(bn.runningVar, torch[name].steps[1]?.running_var as number[]);
        expect(bn.numBatchesTracked.dataSync()[0]).toBe(2);
        bn.eval();
        tf.tidy(() =>
          expectTorchClose(bn.forward(fromTorch(torch[name].eval.x, kind)), torch[name].eval.y),
        );
        bn.dispose();
      });
    }

    it('MaxPool2d, AvgPool2d and GlobalAvgPool, including windows that drop the last row/column', () => {
      tf.tidy(() => {
        const x = fromTorch(torch.maxpool2d.x, 'nchw');
        expectTorchClose(new MaxPool2d(2).forward(x), torch.maxpool2d.y);
        expectTorchClose(new MaxPool2d(3, { stride: 2 }).forward(x), torch.maxpool2d.y3s2);
        const a = fromTorch(torch.avgpool2d.x, 'nchw');
        expectTorchClose(new AvgPool2d(2).forward(a), torch.avgpool2d.y);
        expectTorchClose(new AvgPool2d(3, { stride: 2 }).forward(a), torch.avgpool2d.y3s2);
        expectTorchClose(new GlobalAvgPool().forward(fromTorch(torch.gap.x, 'nchw')), torch.gap.y);
      });
    });

    it('Linear and LogSoftmax', () => {
      const linear = new Linear(4, 3);
      tf.tidy(() => {
        linear.weight.assign(fromTorch(torch.linear.weight, 'linear'));
        linear.bias?.assign(tf.tensor1d(torch.linear.bias));
        const x = fromTorch(torch.linear.x, 'plain');
        expectTorchClose(linear.forward(x), torch.linear.y);
        expectTorchClose(
          new LogSoftmax().forward(tf.mul(x, torch.logsoftmax.scale)),
          torch.logsoftmax.y,
        );
      });
      linear.dispose();
    });
  });
}
