import {
  ArchitectureError,
  analyzeArchitecture,
  type ConstraintCheck,
  checkConstraints,
  LAYER_FIELDS,
  type LayerAnalysis,
  ModelFileError,
  modelFromJson,
  parseModelFile,
  toModelFile,
  type ZooModel,
} from '@s4/models';

/**
 * The design page's logic, apart from Vue: a network being designed is a model file's JSON
 * (possibly wrong), checked by @s4/models exactly as `s4 check --model` checks a file.
 */

export type LayerType = keyof typeof LAYER_FIELDS;
export const LAYER_TYPES = Object.keys(LAYER_FIELDS) as LayerType[];

/** Fields shown as a checkbox, with the value a left-out field has. */
export const BOOLEAN_FIELDS: Record<string, boolean> = { bias: true, functional: false };

/** What a left-out field means (the validator's defaults), shown as the input's placeholder. */
export const FIELD_DEFAULTS: Record<string, string> = {
  stride: '1 (pool: kernelSize)',
  padding: '0 (pool: "valid")',
  eps: '1e-5',
  momentum: '0.1',
  p: '0.5',
};

/** A model file's JSON as the page edits it: any object (the checks say what is wrong). */
export type Draft = Record<string, unknown> & { architecture?: unknown };

/** The model file a design starts from: a zoo model's layers and recipe, renamed `my-<name>`. */
export function draftFromZoo(model: ZooModel): Draft {
  // A deep copy: the page edits it in place, the zoo's objects must stay as they are.
  return structuredClone(
    toModelFile({
      name: `my-${model.name}`,
      description: `Started from the zoo's ${model.name}`,
      architecture: model.architecture,
      recipe: model.recipe,
    }),
  ) as unknown as Draft;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The layers of a draft as the form lists them (an architecture that is not an array has none). */
export const draftLayers = (draft: Draft): unknown[] =>
  Array.isArray(draft.architecture) ? draft.architecture : [];

/** The fields of a layer's type, in LAYER_FIELDS' order (none for an unknown type). */
export function layerFields(layer: unknown): readonly string[] {
  const type = isObject(layer) ? layer.type : undefined;
  return typeof type === 'string' && type in LAYER_FIELDS ? LAYER_FIELDS[type as LayerType] : [];
}

/** A field's value as its text input shows it: `3`, `[3, 3]`, `same`; empty when left out. */
export function fieldText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return inlineJson(value);
}

/**
 * What a field's text input means: empty leaves the field out (its default applies), JSON
 * (`3`, `[3, 3]`, `"same"`, `true`) is that value, anything else is kept as a string for the
 * checks to name (`padding must be "valid", "same" or an integer ≥ 0, found "sme"`).
 */
export function parseFieldText(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

/** The previous layers' output width (channels or features), guessed from their fields. */
function channelsBefore(layers: readonly unknown[], index: number): number {
  for (let i = index - 1; i >= 0; i--) {
    const layer = layers[i];
    if (!isObject(layer)) continue;
    for (const field of ['outChannels', 'numFeatures', 'outFeatures']) {
      const value = layer[field];
      if (typeof value === 'number') return value;
    }
  }
  return 1;
}

/** A new layer of `type` at `index`, with fields that fit the layers before it. */
export function newLayer(type: LayerType, layers: readonly unknown[], index: number): Draft {
  const channels = channelsBefore(layers, index);
  switch (type) {
    case 'conv2d':
      return { type, inChannels: channels, outChannels: channels, kernelSize: 3, bias: false };
    case 'batchnorm2d':
    case 'batchnorm1d':
      return { type, numFeatures: channels };
    case 'linear':
      return { type, inFeatures: channels, outFeatures: 10 };
    case 'maxpool2d':
    case 'avgpool2d':
      return { type, kernelSize: 2 };
    case 'dropout':
      return { type, p: 0.05 };
    default:
      return { type };
  }
}

/** One line of JSON with a space after `,` and `:` (a layer per line in the JSON view). */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The draft as the JSON view shows it and the page downloads it: one layer per line. */
export function formatDraft(draft: Draft): string {
  const entries = Object.entries(draft).filter(([, v]) => v !== undefined);
  const lines = entries.map(([key, value]) => {
    const body =
      key === 'architecture' && Array.isArray(value)
        ? value.length === 0
          ? '[]'
          : `[\n${value.map((layer) => `    ${inlineJson(layer)}`).join(',\n')}\n  ]`
        : JSON.stringify(value, null, 2).replaceAll('\n', '\n  ');
    return `  ${JSON.stringify(key)}: ${body}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** The draft read back from the JSON view's text, or the INVALID_JSON message (line, column). */
export function readDraftText(
  text: string,
  file: string,
): { draft: Draft; error?: undefined } | { draft?: undefined; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    try {
      parseModelFile(text, file);
    } catch (error) {
      return { error: (error as Error).message };
    }
    return { error: `${file}: invalid JSON` };
  }
  if (!isObject(json)) {
    return { error: `${file}: expected an object {"name", "architecture", …}` };
  }
  return { draft: json };
}

/** Where a check failed: `index` is the layer at fault (undefined for the file as a whole). */
export interface DesignError {
  message: string;
  index: number | undefined;
  field: string | undefined;
}

/** What the page shows for a draft: per-layer analysis and checklist, or the first fault. */
export interface DesignCheck {
  /** The draft as `s4 train --model` would use it; undefined while there is an error. */
  model: ZooModel | undefined;
  error: DesignError | undefined;
  layers: LayerAnalysis[];
  constraints: ConstraintCheck[];
  params: number;
  multiplyAdds: number;
  /** Receptive field of the output, in input pixels. */
  receptiveField: number;
}

/**
 * Checks a draft with `modelFromJson`, as the CLI checks a file named `file`. A layer's fault
 * carries the ArchitectureError's message, the CLI's wording after `error: <file>: `
 * (`architecture[4] (conv2d): inChannels 16, but the previous layer outputs 8`).
 */
export function checkDesign(draft: Draft, file: string): DesignCheck {
  const empty = { layers: [], constraints: [], params: 0, multiplyAdds: 0, receptiveField: 0 };
  let model: ZooModel;
  try {
    model = modelFromJson(draft, file);
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    const cause = error.cause;
    return {
      model: undefined,
      error:
        cause instanceof ArchitectureError
          ? { message: cause.message, index: cause.index, field: cause.field }
          : { message: error.message, index: undefined, field: undefined },
      ...empty,
    };
  }
  const layers = analyzeArchitecture(model.architecture);
  return {
    model,
    error: undefined,
    layers,
    constraints: checkConstraints(model.architecture),
    params: layers.reduce((sum, layer) => sum + layer.params, 0),
    multiplyAdds: layers.reduce((sum, layer) => sum + layer.multiplyAdds, 0),
    receptiveField: layers.at(-1)?.receptiveField ?? 1,
  };
}

/** The file name a draft downloads as (and that errors name): `<name>.json`. */
export function draftFileName(draft: Draft): string {
  const name = typeof draft.name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(draft.name);
  return name ? `${draft.name}.json` : 'network.json';
}
