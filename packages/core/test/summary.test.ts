import { Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  initBackend,
  Linear,
  LogSoftmax,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  summary,
} from '../src/public-api';
import { seedArch1, seedArch2 } from './seed-nets';

// What torchsummary 1.5.1 printed for the seed's networks (its format strings, applied in
// Python to the seed's layer list: 17,502 params, 0.00 / 0.44 / 0.07 / 0.51 MB).
const ARCH1_TABLE = `----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1           [-1, 32, 26, 26]             320
       BatchNorm2d-2           [-1, 32, 26, 26]              64
         MaxPool2d-3           [-1, 32, 13, 13]               0
            Conv2d-4           [-1, 32, 11, 11]           9,248
       BatchNorm2d-5           [-1, 32, 11, 11]              64
         MaxPool2d-6             [-1, 32, 5, 5]               0
            Conv2d-7             [-1, 16, 3, 3]           4,624
       BatchNorm2d-8             [-1, 16, 3, 3]              32
           Dropout-9             [-1, 16, 3, 3]               0
           Linear-10                   [-1, 20]           2,900
      BatchNorm1d-11                   [-1, 20]              40
          Dropout-12                   [-1, 20]               0
           Linear-13                   [-1, 10]             210
================================================================
Total params: 17,502
Trainable params: 17,502
Non-trainable params: 0
----------------------------------------------------------------
Input size (MB): 0.00
Forward/backward pass size (MB): 0.44
Params size (MB): 0.07
Estimated Total Size (MB): 0.51
----------------------------------------------------------------
`;

const ARCH2_TABLE = `----------------------------------------------------------------
        Layer (type)               Output Shape         Param #
================================================================
            Conv2d-1           [-1, 16, 26, 26]             160
       BatchNorm2d-2           [-1, 16, 26, 26]              32
            Conv2d-3           [-1, 32, 24, 24]           4,640
       BatchNorm2d-4           [-1, 32, 24, 24]              64
         MaxPool2d-5           [-1, 32, 12, 12]               0
            Conv2d-6           [-1, 10, 10, 10]           2,890
       BatchNorm2d-7           [-1, 10, 10, 10]              20
           Dropout-8           [-1, 10, 10, 10]               0
         MaxPool2d-9             [-1, 10, 5, 5]               0
           Conv2d-10             [-1, 10, 3, 3]             910
          Dropout-11             [-1, 10, 3, 3]               0
           Conv2d-12             [-1, 10, 1, 1]             910
================================================================
Total params: 9,626
Trainable params: 9,626
Non-trainable params: 0
----------------------------------------------------------------
Input size (MB): 0.00
Forward/backward pass size (MB): 0.51
Params size (MB): 0.04
Estimated Total Size (MB): 0.55
----------------------------------------------------------------
`;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('summary', () => {
  it("prints the seed's first network exactly as torchsummary did", () => {
    const model = seedArch1(new Rng(1), { functional: true });
    const result = summary(model, [1, 28, 28]);
    expect(result.text).toBe(ARCH1_TABLE);
    expect(result.totalParams).toBe(17502);
    expect(model.numParameters()).toBe(17502);
    model.dispose();
  });

  it("prints the seed's second network exactly as torchsummary did", () => {
    const model = seedArch2(new Rng(1), { functional: true });
    const result = summary(model, [1, 28, 28]);
    expect(result.text).toBe(ARCH2_TABLE);
    expect(result.rows.at(-1)?.outputShape).toEqual([-1, 10, 1, 1]);
    model.dispose();
  });

  it('lists ReLU modules as rows (as torchsummary lists nn.ReLU), which grows the pass size', () => {
    const model = new Sequential(
      new Conv2d(1, 32, 3),
      new ReLU(),
      new Flatten(),
      new Linear(32 * 26 * 26, 10),
    );
    const result = summary(model, [1, 28, 28]);
    expect(result.rows.map((r) => r.name)).toEqual(['Conv2d-1', 'ReLU-2', 'Flatten-3', 'Linear-4']);
    expect(result.rows[2]?.outputShape).toEqual([-1, 21632]);
    // 3 × 21,632 + 10 outputs, × 2 (gradients) × 4 bytes.
    expect(result.forwardBackwardPassSizeMB).toBeCloseTo(
      (2 * (3 * 21632 + 10) * 4) / 1024 ** 2,
      12,
    );
    expect(result.text).toContain('Forward/backward pass size (MB): 0.50\n');
    model.dispose();
  });

  it('rounds exact ties to even like Python\'s "%0.2f", and honours batchSize', () => {
    // 16,384 + 16,384 params = exactly 0.125 MB: Python prints 0.12 where toFixed gives 0.13.
    const model = new Sequential(new Linear(1, 16384));
    const result = summary(model, [1]);
    expect(result.paramsSizeMB).toBe(0.125);
    expect(result.text).toContain('Params size (MB): 0.12\n');
    expect(result.text).toContain('Forward/backward pass size (MB): 0.12\n');
    const batched = summary(model, [1], { batchSize: 64 });
    expect(batched.rows[0]?.outputShape).toEqual([64, 16384]);
    expect(batched.text).toContain('Forward/backward pass size (MB): 8.00\n');
    model.dispose();
  });

  it('lists a custom block after its children, and leaves modes and running stats alone', () => {
    class Block extends Module {
      readonly typeName = 'Block';
      readonly conv = this.registerModule('conv', new Conv2d(1, 4, 3));
      readonly bn = this.registerModule('bn', new BatchNorm2d(4));
      forward(x: tf.Tensor): tf.Tensor {
        return tf.relu(this.bn.call(this.conv.call(x)));
      }
    }
    const model = new Sequential(new Block(), new Flatten());
    model.train();
    model.at(0)?.eval();
    const printed: string[] = [];
    const result = summary(model, [1, 8, 8], { print: (t) => printed.push(t) });
    expect(result.rows.map((r) => `${r.name} ${r.params}`)).toEqual([
      'Conv2d-1 40',
      'BatchNorm2d-2 8',
      'Block-3 0',
      'Flatten-4 0',
    ]);
    expect(printed).toEqual([result.text]);
    expect(model.training).toBe(true);
    expect(model.at(0)?.training).toBe(false);
    const stats = model.namedBuffers().find(([n]) => n === '0.bn.num_batches_tracked')?.[1];
    expect(stats?.dataSync()[0]).toBe(0);
    model.dispose();
  });

  it('rejects a bad input size', () => {
    const model = new Sequential(new Flatten());
    expect(() => summary(model, [1, 28.5, 28])).toThrow(
      'summary: inputSize must be positive integers in PyTorch order like [1, 28, 28], got [1,28.5,28]',
    );
  });
});

describe('Module.toString', () => {
  it('prints the module tree the way PyTorch prints a model', () => {
    const model = new Sequential(
      new Conv2d(1, 32, 3),
      new ReLU(),
      new BatchNorm2d(32),
      new MaxPool2d(2),
      new Conv2d(32, 8, [3, 1], { stride: 2, padding: 1, bias: false }),
      new Dropout(0.1),
      new Flatten(),
      new Linear(144, 20),
      new BatchNorm1d(20, { eps: 1e-3, momentum: 0.01 }),
      new LogSoftmax(),
      new Sequential(new ReLU()),
    );
    expect(model.toString()).toBe(`Sequential(
  (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))
  (1): ReLU()
  (2): BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
  (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
  (4): Conv2d(32, 8, kernel_size=(3, 1), stride=(2, 2), padding=(1, 1), bias=False)
  (5): Dropout(p=0.1, inplace=False)
  (6): Flatten(start_dim=1, end_dim=-1)
  (7): Linear(in_features=144, out_features=20, bias=True)
  (8): BatchNorm1d(20, eps=0.001, momentum=0.01, affine=True, track_running_stats=True)
  (9): LogSoftmax(dim=1)
  (10): Sequential(
    (0): ReLU()
  )
)`);
    model.dispose();
  });
});
