import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import {
  ArchitectureError,
  getZooModel,
  ModelFileError,
  modelFromJson,
  parseModelFile,
  s4,
  toModelFile,
  validateArchitecture,
  ZOO,
} from '../src/index';

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, '../model-file.schema.json'), 'utf8'),
);
const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);

/** A small valid network: conv 1→4, pool, conv 4→8, GAP, Linear 8→10. */
const tiny = () => ({
  name: 'tiny',
  architecture: [
    { type: 'conv2d', inChannels: 1, outChannels: 4, kernelSize: 3 },
    { type: 'relu' },
    { type: 'maxpool2d', kernelSize: 2 },
    { type: 'conv2d', inChannels: 4, outChannels: 8, kernelSize: [3, 3], bias: false },
    { type: 'batchnorm2d', numFeatures: 8 },
    { type: 'gap' },
    { type: 'linear', inFeatures: 8, outFeatures: 10 },
  ] as Record<string, unknown>[],
});

const refusal = (json: unknown): ModelFileError => {
  try {
    modelFromJson(json, 'net.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return error as ModelFileError;
  }
  throw new Error('expected the model file to be refused');
};

describe('model files', () => {
  it('reads a file, fills in defaults and names, and takes the s4 recipe when it has none', () => {
    const model = parseModelFile(JSON.stringify(tiny()), 'net.json');
    expect(model.name).toBe('tiny');
    expect(model.architecture[0]).toEqual({
      type: 'conv2d',
      name: '0',
      inChannels: 1,
      outChannels: 4,
      kernelSize: [3, 3],
      stride: [1, 1],
      padding: 0,
      bias: true,
    });
    expect(model.architecture[2]).toMatchObject({ kernelSize: [2, 2], stride: [2, 2] });
    expect(model.recipe).toEqual(s4.recipe);
    expect(model.recipe).not.toBe(s4.recipe);
  });

  it('a recipe replaces the parts of s4s it names', () => {
    const model = modelFromJson({
      ...tiny(),
      recipe: { epochs: 3, optimizer: { name: 'adam', lr: 0.001 }, scheduler: { name: 'none' } },
    });
    expect(model.recipe).toEqual({
      ...s4.recipe,
      epochs: 3,
      optimizer: { name: 'adam', lr: 0.001 },
      scheduler: { name: 'none' },
    });
    expect(refusal({ ...tiny(), recipe: { epochs: 0 } }).message).toBe(
      'net.json: recipe.epochs must be an integer ≥ 1, found 0',
    );
    expect(refusal({ ...tiny(), recipe: { epoch: 3 } }).message).toMatch(
      /recipe: unknown field "epoch"/,
    );
  });

  it('labelSmoothing: a number in [0, 1), kept when > 0', () => {
    const model = modelFromJson({ ...tiny(), recipe: { labelSmoothing: 0.1 } });
    expect(model.recipe).toEqual({ ...s4.recipe, labelSmoothing: 0.1 });
    expect(modelFromJson({ ...tiny(), recipe: { labelSmoothing: 0 } }).recipe).toEqual(s4.recipe);
    expect(refusal({ ...tiny(), recipe: { labelSmoothing: 1 } }).message).toBe(
      'net.json: recipe.labelSmoothing must be a number in [0, 1), found 1',
    );
    const file = toModelFile({ ...tiny(), recipe: { ...s4.recipe, labelSmoothing: 0.1 } } as never);
    expect(validateSchema(file), JSON.stringify(validateSchema.errors)).toBe(true);
  });

  it('every zoo model round-trips through a model file, and the schema accepts it', () => {
    for (const zoo of ZOO) {
      const file = toModelFile(zoo);
      expect(validateSchema(file), JSON.stringify(validateSchema.errors)).toBe(true);
      const back = parseModelFile(JSON.stringify(file));
      expect(back.architecture).toEqual(zoo.architecture);
      expect(back.recipe).toEqual(zoo.recipe);
    }
  });

  it('invalid JSON: line and column of the fault', () => {
    const text = '{\n  "name": "tiny",\n  "architecture": [\n    {"type": "relu"},,\n  ]\n}\n';
    const error = (() => {
      try {
        parseModelFile(text, 'net.json');
      } catch (e) {
        return e as ModelFileError;
      }
    })();
    expect(error).toBeInstanceOf(ModelFileError);
    expect(error?.code).toBe('INVALID_JSON');
    expect([error?.line, error?.column]).toEqual([4, 22]);
    expect(error?.message).toBe(
      `net.json: invalid JSON at line 4, column 22: value expected at ",\\n  ]\\n}\\n"`,
    );
    expect(error?.message).toMatch(/^net\.json: invalid JSON at line 4, column 22: /);
  });

  it.each([
    [
      'unknown layer type',
      (net: ReturnType<typeof tiny>) => {
        net.architecture[1] = { type: 'gelu' };
      },
      'UNKNOWN_LAYER_TYPE',
      'net.json: architecture[1]: unknown layer type "gelu"; expected one of conv2d, batchnorm2d, batchnorm1d, linear, maxpool2d, avgpool2d, dropout, relu, gap, flatten, logsoftmax',
    ],
    [
      'channels that do not chain',
      (net: ReturnType<typeof tiny>) => {
        net.architecture[3] = { type: 'conv2d', inChannels: 16, outChannels: 8, kernelSize: 3 };
      },
      'CHANNEL_MISMATCH',
      'net.json: architecture[3] (conv2d): inChannels 16, but the previous layer outputs 4',
    ],
    [
      'a spatial size below 1',
      (net: ReturnType<typeof tiny>) => {
        net.architecture[3] = { type: 'conv2d', inChannels: 4, outChannels: 8, kernelSize: 15 };
      },
      'SPATIAL_TOO_SMALL',
      'net.json: architecture[3] (conv2d): a 15×15 kernel with stride 1×1 and padding 0 on a 13×13 input gives -1×-1; the output must be at least 1×1',
    ],
    [
      'a head that is not 10 classes',
      (net: ReturnType<typeof tiny>) => {
        net.architecture[6] = { type: 'linear', inFeatures: 8, outFeatures: 12 };
      },
      'BAD_HEAD',
      'net.json: architecture[6] (linear): the network must end in 10 class scores [10], but it outputs [12]',
    ],
    [
      'a misspelt field',
      (net: ReturnType<typeof tiny>) => {
        net.architecture[0] = { ...net.architecture[0], kernel_size: 3 };
      },
      'BAD_FIELD',
      'net.json: architecture[0] (conv2d): unknown field "kernel_size"; a conv2d layer takes inChannels, outChannels, kernelSize, stride, padding, bias',
    ],
    [
      'a field of the wrong kind',
      (net: ReturnType<typeof tiny>) => {
        net.architecture[4] = { type: 'batchnorm2d', numFeatures: '8' };
      },
      'BAD_FIELD',
      'net.json: architecture[4] (batchnorm2d): numFeatures must be an integer ≥ 1, found "8"',
    ],
    [
      'a Linear on an image',
      (net: ReturnType<typeof tiny>) => {
        net.architecture.splice(5, 1);
      },
      'WRONG_INPUT_KIND',
      'net.json: architecture[5] (linear): expects a vector [F], but the previous layer outputs an image [8, 11, 11]; put a flatten or gap before it',
    ],
  ])('refuses %s, naming the layer, its type and the field', (_what, edit, code, message) => {
    const net = tiny();
    edit(net);
    const error = refusal(net);
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.cause).toBeInstanceOf(ArchitectureError);
    // The published schema catches the structural faults too (shape faults need S4's check).
    if (code === 'UNKNOWN_LAYER_TYPE' || code === 'BAD_FIELD') {
      expect(validateSchema(net)).toBe(false);
    } else {
      expect(validateSchema(net)).toBe(true);
    }
  });

  it('refuses a bad top level: no architecture, unknown fields, a name unfit for a folder', () => {
    expect(refusal({ name: 'x' }).message).toBe(
      'net.json: architecture: expected a non-empty array of layers, found nothing',
    );
    expect(refusal({ ...tiny(), layers: [] }).message).toMatch(/unknown field "layers"/);
    expect(refusal({ ...tiny(), name: '../up' }).code).toBe('BAD_MODEL_FILE');
    expect(validateSchema({ ...tiny(), name: '../up' })).toBe(false);
  });

  it('validateArchitecture accepts every zoo architecture unchanged', () => {
    for (const name of ['s4', 'seed-arch1', 'seed-arch2']) {
      const { architecture } = getZooModel(name);
      expect(validateArchitecture(structuredClone(architecture))).toEqual(architecture);
    }
  });
});
