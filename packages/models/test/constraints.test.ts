import { describe, expect, it } from 'vitest';
import {
  checkConstraints,
  getZooModel,
  meetsAllConstraints,
  modelNames,
  paramCount,
  UnknownModelError,
} from '../src/index';
import { sequential } from '../src/layer-spec';
import { conv, dropout, gap, linear } from '../src/layers';

describe('zoo parameter counts (what torchsummary printed for the seed, and the S4 prototype)', () => {
  it.each([
    ['seed-arch1', 17_502],
    ['seed-arch2', 9_626],
    ['s4', 7_738],
    ['s4-fast', 18_938],
  ])('%s has %i parameters', (name, expected) => {
    expect(paramCount(getZooModel(name).architecture)).toBe(expected);
  });
});

describe('constraint checklist', () => {
  const passed = (name: string) =>
    Object.fromEntries(
      checkConstraints(getZooModel(name).architecture).map((c) => [c.id, c.passed]),
    );

  it('s4 meets every constraint', () => {
    expect(passed('s4')).toEqual({
      params: true,
      batchnorm: true,
      dropout: true,
      'one-fc': true,
      gap: true,
    });
    expect(meetsAllConstraints(getZooModel('s4').architecture)).toBe(true);
  });

  it('s4-fast, the speedrun model, meets every constraint too', () => {
    expect(meetsAllConstraints(getZooModel('s4-fast').architecture)).toBe(true);
    expect(checkConstraints(getZooModel('s4-fast').architecture).map((c) => c.found)).toEqual([
      '18,938 parameters',
      '4 BatchNorm layers',
      '2 Dropout layers',
      '1 Linear layer',
      '1 GAP layer',
    ]);
  });

  it('the seed models fail the constraints they failed in the seed', () => {
    expect(passed('seed-arch1')).toMatchObject({ 'one-fc': false, gap: false, params: true });
    expect(passed('seed-arch2')).toMatchObject({ 'one-fc': false, gap: false, dropout: true });
  });

  it('is computed from the layers: removing GAP or adding a second Linear flips the checks', () => {
    const base = sequential(conv(1, 4), dropout(0.1), gap(), linear(4, 10));
    const withoutGap = base.filter((l) => l.type !== 'gap');
    const twoLinears = sequential(conv(1, 4), dropout(0.1), gap(), linear(4, 10), linear(10, 10));
    const big = sequential(conv(1, 200, { kernelSize: 10 }), gap(), linear(200, 10));
    const checks = (layers: typeof base) =>
      Object.fromEntries(checkConstraints(layers).map((c) => [c.id, c]));
    expect(checks(withoutGap).gap?.passed).toBe(false);
    expect(checks(twoLinears)['one-fc']).toMatchObject({ passed: false, found: '2 Linear layers' });
    expect(checks(base).batchnorm?.passed).toBe(false);
    expect(checks(big).params).toMatchObject({ passed: false, found: '22,210 parameters' });
  });
});

describe('zoo lookup', () => {
  it('lists s4 first and rejects unknown names naming the known ones', () => {
    expect(modelNames()[0]).toBe('s4');
    expect(() => getZooModel('resnet')).toThrow(UnknownModelError);
    expect(() => getZooModel('resnet')).toThrow(/"resnet".*s4, seed-arch1, seed-arch2/);
  });
});

describe('zoo architectures build in @s4/core', () => {
  it.each(modelNames())(
    '%s: core builds it with the same parameter count and a [N, 10] output',
    async (name) => {
      const { fromArchitecture, initBackend, toArchitecture } = await import('@s4/core');
      const { tf } = await import('@s4/core/tf');
      await initBackend({ backend: 'cpu' });
      const zoo = getZooModel(name);
      const model = fromArchitecture(zoo.architecture, { seed: 1 });
      try {
        expect(model.numParameters()).toBe(paramCount(zoo.architecture));
        // The spec round-trips: what a checkpoint stores is exactly the zoo's architecture.
        expect(toArchitecture(model)).toEqual(zoo.architecture);
        const y = tf.tidy(() => model.eval().forward(tf.zeros([2, 28, 28, 1])));
        expect(y.shape).toEqual([2, 10]);
        y.dispose();
      } finally {
        model.dispose();
      }
    },
  );

  it('seed models print the tables torchsummary printed for the seed', async () => {
    const { fromArchitecture, initBackend, summary } = await import('@s4/core');
    await initBackend({ backend: 'cpu' });
    const sizes = (name: string) => {
      const model = fromArchitecture(getZooModel(name).architecture);
      const s = summary(model, [1, 28, 28]);
      model.dispose();
      return [
        s.totalParams,
        s.inputSizeMB,
        s.forwardBackwardPassSizeMB,
        s.paramsSizeMB,
        s.estimatedTotalSizeMB,
      ].map((v, i) => (i === 0 ? v : Number(v.toFixed(2))));
    };
    expect(sizes('seed-arch1')).toEqual([17_502, 0, 0.44, 0.07, 0.51]);
    expect(sizes('seed-arch2')).toEqual([9_626, 0, 0.51, 0.04, 0.55]);
  });
});
