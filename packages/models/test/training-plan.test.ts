import { Adam, initBackend, OneCycleLR, SGD, StepLR } from '@s4/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyOverrides,
  getZooModel,
  parseModelFile,
  SCHEDULER_DEFAULTS,
  sgdOneCycleRecipe,
  trainingPlan,
  UnknownModelError,
} from '../src/index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('trainingPlan', () => {
  it("turns a zoo name into the recipe's network, optimizer and schedule", () => {
    const plan = trainingPlan('s4');
    expect(plan.recipe).toEqual(getZooModel('s4').recipe);
    const network = plan.createNetwork();
    try {
      expect(network.numParameters()).toBe(7_738);
      const options = plan.fitOptions(network, 1000);
      expect(options.optimizer).toBeInstanceOf(SGD);
      expect(options.scheduler).toBeInstanceOf(OneCycleLR);
      // OneCycle starts at max_lr / div_factor.
      expect(options.optimizer.lr).toBeCloseTo(0.2 / 10, 12);
      expect(options).toMatchObject({
        epochs: 15,
        batchSize: 128,
        seed: 1,
        augment: { rotation: 7 },
        labelSmoothing: 0,
      });
    } finally {
      network.dispose();
    }
  });

  it("hands the recipe's label smoothing to fit, through any overrides", () => {
    const model = {
      ...getZooModel('s4'),
      recipe: { ...getZooModel('s4').recipe, labelSmoothing: 0.1 },
    };
    const plan = trainingPlan(model, { epochs: 2, optimizer: 'adam' });
    expect(plan.recipe.labelSmoothing).toBe(0.1);
    const network = plan.createNetwork();
    try {
      expect(plan.fitOptions(network, 256).labelSmoothing).toBe(0.1);
    } finally {
      network.dispose();
    }
  });

  it('creates the same initial weights for the same seed and others for another', () => {
    const weights = (seed: number) => {
      const net = trainingPlan('seed-arch2', { seed }).createNetwork();
      const values = net.namedParameters().map(([, v]) => Array.from(v.dataSync()));
      net.dispose();
      return values;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('throws the one UnknownModelError for a name outside the zoo', () => {
    expect(() => trainingPlan('lenet')).toThrow(UnknownModelError);
    expect(() => trainingPlan('lenet')).toThrow(/Unknown model "lenet": expected one of s4, /);
  });

  it("plans a model file's model with its own recipe", () => {
    const file = parseModelFile(
      JSON.stringify({
        name: 'tiny',
        architecture: [{ type: 'flatten' }, { type: 'linear', inFeatures: 784, outFeatures: 10 }],
        recipe: { optimizer: { name: 'adam', lr: 0.003 }, scheduler: { name: 'none' } },
      }),
      'tiny.json',
    );
    const plan = trainingPlan(file, { epochs: 2 });
    const network = plan.createNetwork();
    try {
      const options = plan.fitOptions(network, 500);
      expect(options.optimizer).toBeInstanceOf(Adam);
      expect(options.optimizer.lr).toBe(0.003);
      expect(options.scheduler).toBeUndefined();
      expect(options.epochs).toBe(2);
    } finally {
      network.dispose();
    }
  });
});

describe('applyOverrides', () => {
  const recipe = getZooModel('s4').recipe;

  it('keeps the recipe when nothing is overridden', () => {
    expect(applyOverrides(recipe, {})).toEqual(recipe);
  });

  it('another optimizer starts at its default lr unless one is given; another scheduler at its defaults', () => {
    const adam = applyOverrides(recipe, { optimizer: 'adam', scheduler: 'step' });
    expect(adam.optimizer).toEqual({ name: 'adam', lr: 1e-3 });
    expect(adam.scheduler).toEqual(SCHEDULER_DEFAULTS.step);
    expect(applyOverrides(recipe, { optimizer: 'adamw', lr: 0.01 }).optimizer).toEqual({
      name: 'adamw',
      lr: 0.01,
    });
    const step = trainingPlan('s4', { scheduler: 'step' });
    const network = step.createNetwork();
    expect(step.fitOptions(network, 256).scheduler).toBeInstanceOf(StepLR);
    network.dispose();
  });

  it('--lr, --epochs, --batch-size, --seed and --no-augment change only their field', () => {
    expect(
      applyOverrides(recipe, { lr: 0.05, epochs: 3, batchSize: 64, seed: 9, augment: false }),
    ).toEqual({
      ...recipe,
      optimizer: { ...recipe.optimizer, lr: 0.05 },
      epochs: 3,
      batchSize: 64,
      seed: 9,
      augment: { rotate: 0 },
    });
    // The recipe itself is never changed.
    expect(getZooModel('s4').recipe.optimizer.lr).toBe(0.2);
  });
});

describe('the zoo recipe', () => {
  it('is one SGD + OneCycle recipe for the 15-epoch zoo models, only the peak lr differs', () => {
    expect(getZooModel('s4').recipe).toEqual(sgdOneCycleRecipe(0.2));
    expect(getZooModel('seed-arch1').recipe).toEqual(sgdOneCycleRecipe(0.1));
    expect(getZooModel('seed-arch2').recipe).toEqual(sgdOneCycleRecipe(0.1));
    expect(sgdOneCycleRecipe(0.2)).toMatchObject({
      optimizer: { name: 'sgd', lr: 0.2, momentum: 0.9, nesterov: true },
      scheduler: SCHEDULER_DEFAULTS.onecycle,
      batchSize: 128,
      epochs: 15,
      augment: { rotate: 7 },
      seed: 1,
    });
  });
});
