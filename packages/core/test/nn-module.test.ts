import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  type CoreError,
  Dropout,
  initBackend,
  Linear,
  Module,
  ReLU,
  Sequential,
} from '../src/public-api';

// The same tree in PyTorch: nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.BatchNorm2d(4),
// nn.Sequential(nn.Linear(2, 3, bias=False), nn.BatchNorm1d(3)), nn.Dropout(0.1)).
const build = () =>
  new Sequential(
    new Conv2d(1, 4, 3),
    new ReLU(),
    new BatchNorm2d(4),
    new Sequential(new Linear(2, 3, { bias: false }), new BatchNorm1d(3)),
    new Dropout(0.1),
  );

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('Module', () => {
  it('names parameters, buffers, modules and state dict entries exactly as PyTorch 1.13 does', () => {
    const model = build();
    // Lists printed by PyTorch for the same tree (named_parameters, named_buffers, …).
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
      '3.0.weight',
      '3.1.weight',
      '3.1.bias',
    ]);
    expect(model.namedBuffers().map(([n]) => n)).toEqual([
      '2.running_mean',
      '2.running_var',
      '2.num_batches_tracked',
      '3.1.running_mean',
      '3.1.running_var',
      '3.1.num_batches_tracked',
    ]);
    expect([...model.stateDict().keys()]).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
      '2.running_mean',
      '2.running_var',
      '2.num_batches_tracked',
      '3.0.weight',
      '3.1.weight',
      '3.1.bias',
      '3.1.running_mean',
      '3.1.running_var',
      '3.1.num_batches_tracked',
    ]);
    expect(model.namedModules().map(([n]) => n)).toEqual([
      '',
      '0',
      '1',
      '2',
      '3',
      '3.0',
      '3.1',
      '4',
    ]);
    expect(model.numParameters()).toBe(60);
    expect(model.parameters().every((p) => p.trainable)).toBe(true);
    expect(model.namedBuffers().every(([, b]) => !b.trainable)).toBe(true);
    model.dispose();
  });

  it('train() / eval() reach the whole tree', () => {
    const model = build();
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
    model.eval();
    expect(model.namedModules().every(([, m]) => !m.training)).toBe(true);
    model.train();
    expect(model.namedModules().every(([, m]) => m.training)).toBe(true);
    model.dispose();
  });

  it('loadStateDict copies everything, checks first, and leaves the model untouched on error', () => {
    const source = build();
    const target = build();
    source
      .namedParameters()[0]?.[1]
      .assign(tf.onesLike(source.namedParameters()[0]?.[1] as tf.Tensor));
    target.loadStateDict(source.stateDict());
    for (const [name, v] of target.stateDict()) {
      expect(Array.from(v.dataSync()), name).toEqual(
        Array.from(source.stateDict().get(name)?.dataSync() ?? []),
      );
    }
    const before = Array.from(target.namedParameters()[0]?.[1].dataSync() ?? []);
    const bad = new Map(source.stateDict() as Map<string, tf.Tensor>);
    bad.set('0.weight', tf.zeros([3, 3, 1, 4]));
    bad.set('3.1.bias', tf.zeros([4]));
    expect(() => target.loadStateDict(bad)).toThrow(
      'Tensor "3.1.bias": the model has shape [3] but the state dict has [4]',
    );
    expect(Array.from(target.namedParameters()[0]?.[1].dataSync() ?? [])).toEqual(before);
    const partial = new Map(source.stateDict() as Map<string, tf.Tensor>);
    partial.delete('2.running_var');
    partial.set('5.weight', tf.zeros([1]));
    let error: unknown;
    try {
      target.loadStateDict(partial);
    } catch (e) {
      error = e;
    }
    expect((error as CoreError).code).toBe('STATE_DICT_MISMATCH');
    expect((error as CoreError).message).toBe(
      'State dict does not match the model (missing: 2.running_var; unexpected: 5.weight)',
    );
    target.loadStateDict(partial, { strict: false });
    tf.dispose([
      bad.get('0.weight') as tf.Tensor,
      bad.get('3.1.bias') as tf.Tensor,
      partial.get('5.weight') as tf.Tensor,
    ]);
    source.dispose();
    target.dispose();
  });

  it('forward hooks see every call until removed; a module has one parent', () => {
    const relu = new ReLU();
    const model = new Sequential(relu);
    const seen: number[][] = [];
    const remove = relu.registerForwardHook((_m, input, output) => {
      expect(output.shape).toEqual(input.shape);
      seen.push(output.shape);
    });
    tf.tidy(() => model.forward(tf.zeros([2, 3])));
    remove();
    tf.tidy(() => model.forward(tf.zeros([2, 3])));
    expect(seen).toEqual([[2, 3]]);
    expect(() => new Sequential(relu)).toThrow(
      'ReLU "0" is already a child of Sequential; a module can have one parent',
    );
  });

  it('custom modules register parameters under their own names', () => {
    class Scale extends Module {
      readonly typeName = 'Scale';
      readonly gain = this.registerParameter('gain', tf.variable(tf.scalar(2)));
      readonly inner = this.registerModule('inner', new Linear(2, 2));
      forward(x: tf.Tensor): tf.Tensor {
        return tf.mul(this.inner.call(x), this.gain);
      }
    }
    const model = new Sequential(new Scale());
    expect(model.namedParameters().map(([n]) => n)).toEqual([
      '0.gain',
      '0.inner.weight',
      '0.inner.bias',
    ]);
    expect(model.at(0)?.path).toBe('0');
    expect((model.at(0) as Scale).inner.label).toBe('Linear "0.inner"');
    expect(() => (model.at(0) as Scale).inner.forward(tf.zeros([1, 3]))).toThrow(
      'Linear "0.inner" expected an input of shape [*, 2] but got [1, 3] (flatten first)',
    );
    model.dispose();
  });

  it('dispose frees every variable', () => {
    const before = tf.memory().numTensors;
    const model = build();
    expect(tf.memory().numTensors).toBe(before + 13);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
