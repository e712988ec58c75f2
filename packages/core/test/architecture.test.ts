import { Rng } from '@s4/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import type { tf } from '../src/backend';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  CoreError,
  Dropout,
  Flatten,
  fromArchitecture,
  GlobalAvgPool,
  initBackend,
  LAYER_TYPES,
  Linear,
  LogSoftmax,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  summary,
  toArchitecture,
} from '../src/public-api';

function everyLayerType(): Sequential {
  const rng = new Rng(3);
  return new Sequential(
    new Conv2d(1, 8, 3, { rng, padding: 1 }),
    new BatchNorm2d(8, { momentum: 0.2 }),
    new ReLU({ functional: true }),
    new MaxPool2d(2),
    new Conv2d(8, 8, [3, 3], { rng, stride: 2, padding: 'same', bias: false }),
    new AvgPool2d(2, { stride: 1 }),
    new Dropout(0.25, { rng }),
    new Conv2d(8, 16, 1, { rng }),
    new GlobalAvgPool(),
    new Flatten(),
    new Linear(16, 12, { rng }),
    new BatchNorm1d(12, { eps: 1e-3 }),
    new ReLU(),
    new Linear(12, 10, { rng, bias: false }),
    new LogSoftmax(),
  );
}

const readAll = (m: Module) =>
  [...m.stateDict()].map(([name, v]) => [name, Array.from(v.dataSync())]);

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('architecture', () => {
  it('describes every built-in layer type and rebuilds the same network from JSON', () => {
    const model = everyLayerType();
    const specs = toArchitecture(model);
    expect(new Set(specs.map((s) => s.type))).toEqual(new Set(LAYER_TYPES));
    expect(specs[0]).toEqual({
      type: 'conv2d',
      name: '0',
      inChannels: 1,
      outChannels: 8,
      kernelSize: [3, 3],
      stride: [1, 1],
      padding: 1,
      bias: true,
    });
    expect(specs[2]).toEqual({ type: 'relu', name: '2', functional: true });
    const rebuilt = fromArchitecture(JSON.parse(JSON.stringify(specs)));
    expect(toArchitecture(rebuilt)).toEqual(specs);
    expect([...rebuilt.stateDict()].map(([n, v]) => [n, v.shape])).toEqual(
      [...model.stateDict()].map(([n, v]) => [n, v.shape]),
    );
    expect(summary(rebuilt, [1, 28, 28]).text).toBe(summary(model, [1, 28, 28]).text);
    model.dispose();
    rebuilt.dispose();
  });

  it('initialises from the seed: same seed, same weights; another seed, other weights', () => {
    const specs = toArchitecture(everyLayerType());
    const [a, b, c] = [
      fromArchitecture(specs, { seed: 1 }),
      fromArchitecture(specs, { seed: 1 }),
      fromArchitecture(specs, { seed: 2 }),
    ] as [Sequential, Sequential, Sequential];
    expect(readAll(a)).toEqual(readAll(b));
    expect(readAll(a)).not.toEqual(readAll(c));
    expect(a.getRngState()).toEqual(b.getRngState());
    for (const m of [a, b, c]) m.dispose();
  });

  it('rejects bad specs with errors naming the layer, field, expectation and value', () => {
    const cases: Array<[unknown, string]> = [
      [{ layers: [] }, 'architecture must be an array of layer specs, got {"layers":[]}'],
      [
        [{ type: 'conv3d' }],
        'architecture[0]: unknown layer type "conv3d"; expected one of conv2d, batchnorm2d',
      ],
      [
        [{ type: 'relu' }, 'relu'],
        'architecture[1] must be an object like {"type": "conv2d", …}, got "relu"',
      ],
      [
        [{ type: 'conv2d', inChannels: 1, outChannels: '8', kernelSize: 3 }],
        'architecture[0] (conv2d): "outChannels" must be an integer ≥ 1, got "8"',
      ],
      [
        [{ type: 'conv2d', inChannels: 1, outChannels: 8, kernelSize: [3] }],
        'architecture[0] (conv2d): "kernelSize" must be a positive integer or [height, width], got [3]',
      ],
      [
        [{ type: 'conv2d', inChannels: 1, outChannels: 8, kernelSize: 3, padding: 'full' }],
        'architecture[0] (conv2d): "padding" must be "valid", "same" or an integer ≥ 0, got "full"',
      ],
      [
        [{ type: 'dropout', p: 1.5 }],
        'architecture[0] (dropout): "p" must be a probability in [0, 1], got 1.5',
      ],
      [
        [{ type: 'linear', name: '3', inFeatures: 2, outFeatures: 2 }],
        'architecture[0] (linear): "name" must be "0" (its position), got "3"',
      ],
      [
        [{ type: 'maxpool2d', kernelSize: 2, padding: 1 }],
        'architecture[0] (maxpool2d): "padding" must be "valid" or "same", got 1',
      ],
    ];
    for (const [specs, message] of cases) {
      let error: unknown;
      try {
        fromArchitecture(specs);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CoreError);
      expect((error as CoreError).code).toBe('BAD_ARCHITECTURE');
      expect((error as CoreError).message).toContain(message);
    }
  });

  it('refuses to describe layers it cannot rebuild', () => {
    class Custom extends Module {
      readonly typeName = 'Custom';
      forward(x: tf.Tensor): tf.Tensor {
        return x;
      }
    }
    expect(() => toArchitecture(new Sequential(new ReLU(), new Custom()))).toThrow(
      'Layer Custom "1" has no architecture spec; use the built-in layers',
    );
    expect(() => toArchitecture(new Custom())).toThrow('Only a Sequential of built-in layers');
  });
});
