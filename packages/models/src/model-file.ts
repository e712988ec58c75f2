import { type ParseError, parse, printParseErrorCode } from 'jsonc-parser';
import { ArchitectureError, ModelFileError } from './errors';
import type { Recipe } from './recipe';
import { s4 } from './s4';
import { validateArchitecture } from './validate-architecture';
import type { ZooModel } from './zoo-model';

/**
 * A network of your own as JSON: what `s4 train|evaluate|summary|bench|check --model ./net.json`
 * read. The JSON Schema is `@s4/models/model-file.schema.json`.
 */
export interface ModelFile {
  $schema?: string;
  /** Names the runs (`runs/<name>-<time>`): letters, digits, `.`, `_`, `-`. */
  name: string;
  description?: string;
  /** Layer specs as in a checkpoint's model.json (`name` may be left out). */
  architecture: unknown[];
  /** How to train it; what is left out comes from the s4 model's recipe. */
  recipe?: Partial<Recipe>;
}

/** The `$schema` of model files S4 writes: the JSON Schema published with this package. */
export const MODEL_FILE_SCHEMA_URL = 'https://unpkg.com/@s4/models/model-file.schema.json' as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TOP_FIELDS = ['$schema', 'name', 'description', 'architecture', 'recipe'];
const RECIPE_FIELDS = [
  'optimizer',
  'scheduler',
  'batchSize',
  'epochs',
  'augment',
  'labelSmoothing',
  'seed',
];

const describe = (value: unknown) => {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
};

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Parses and checks a model file's text (`file` names it in errors) into a model usable like a
 * zoo model: architecture validated and normalized, recipe completed from s4's. Throws a
 * ModelFileError: INVALID_JSON with line and column, BAD_MODEL_FILE for the top level and the
 * recipe, or the ArchitectureError's code (with it as `cause`) for the architecture.
 */
export function parseModelFile(text: string, file = 'model file'): ZooModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // JSON.parse does not always say where; jsonc-parser (VS Code's) locates the first fault.
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    const offset = first?.offset ?? text.length;
    const { line, column } = lineColumn(text, offset);
    const reason = first
      ? `${printParseErrorCode(first.error)
          .replace(/([a-z])([A-Z])/g, '$1 $2')
          .toLowerCase()}${offset < text.length ? ` at ${JSON.stringify(text.slice(offset, offset + 12))}` : ''}`
      : (error as Error).message;
    throw new ModelFileError(
      'INVALID_JSON',
      file,
      `invalid JSON at line ${line}, column ${column}: ${reason}`,
      { line, column, cause: error },
    );
  }
  return modelFromJson(json, file);
}

/** As `parseModelFile`, for JSON already parsed. */
export function modelFromJson(json: unknown, file = 'model file'): ZooModel {
  const bad = (message: string): never => {
    throw new ModelFileError('BAD_MODEL_FILE', file, message);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    bad(`expected an object {"name", "architecture", …}, found ${describe(json)}`);
  }
  const o = json as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!TOP_FIELDS.includes(key)) {
      bad(`unknown field "${key}"; a model file has ${TOP_FIELDS.join(', ')}`);
    }
  }
  if (typeof o.name !== 'string' || !NAME.test(o.name)) {
    bad(
      `name must be letters, digits, ".", "_" or "-" (it names the run folders), found ${describe(o.name)}`,
    );
  }
  if (o.description !== undefined && typeof o.description !== 'string') {
    bad(`description must be a string, found ${describe(o.description)}`);
  }
  let architecture: ZooModel['architecture'];
  try {
    architecture = validateArchitecture(o.architecture);
  } catch (error) {
    if (error instanceof ArchitectureError) {
      throw new ModelFileError(error.code, file, error.message, { cause: error });
    }
    throw error;
  }
  const name = o.name as string;
  const description = (o.description as string | undefined) ?? '';
  return {
    name,
    title: description || `${name} (from ${file})`,
    description,
    architecture,
    recipe: recipeFrom(o.recipe, bad),
  };
}

/** A file's recipe over s4's: each given part replaces s4's part of the same name. */
function recipeFrom(value: unknown, bad: (message: string) => never): Recipe {
  const base = s4.recipe;
  if (value === undefined) return structuredClone(base);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return bad(`recipe must be an object, found ${describe(value)}`);
  }
  const r = value as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!RECIPE_FIELDS.includes(key)) {
      bad(`recipe: unknown field "${key}"; a recipe has ${RECIPE_FIELDS.join(', ')}`);
    }
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const int = (field: string, min: number, v: unknown, fallback: number): number => {
    if (v === undefined) return fallback;
    return typeof v === 'number' && Number.isInteger(v) && v >= min
      ? v
      : bad(`recipe.${field} must be an integer ≥ ${min}, found ${describe(v)}`);
  };
  const positive = (field: string, v: unknown): number =>
    typeof v === 'number' && Number.isFinite(v) && v > 0
      ? v
      : bad(`recipe.${field} must be a number > 0, found ${describe(v)}`);
  const optional = <T>(field: string, v: unknown, kind: string, ok: (v: unknown) => boolean) =>
    v === undefined || ok(v)
      ? (v as T | undefined)
      : bad(`recipe.${field} must be ${kind}, found ${describe(v)}`);

  let optimizer = base.optimizer;
  if (r.optimizer !== undefined) {
    const o = r.optimizer;
    if (!isObject(o) || !['sgd', 'adam', 'adamw'].includes(o.name as string)) {
      bad(
        `recipe.optimizer must be {"name": "sgd" | "adam" | "adamw", "lr", …}, found ${describe(o)}`,
      );
    }
    const oo = o as Record<string, unknown>;
    const momentum = optional<number>(
      'optimizer.momentum',
      oo.momentum,
      'a number in [0, 1)',
      (v) => typeof v === 'number' && v >= 0 && v < 1,
    );
    const nesterov = optional<boolean>(
      'optimizer.nesterov',
      oo.nesterov,
      'true or false',
      (v) => typeof v === 'boolean',
    );
    const weightDecay = optional<number>(
      'optimizer.weightDecay',
      oo.weightDecay,
      'a number ≥ 0',
      (v) => typeof v === 'number' && v >= 0,
    );
    optimizer = {
      name: oo.name as Recipe['optimizer']['name'],
      lr: positive('optimizer.lr', oo.lr),
      ...(momentum === undefined ? {} : { momentum }),
      ...(nesterov === undefined ? {} : { nesterov }),
      ...(weightDecay === undefined ? {} : { weightDecay }),
    };
  }
  let scheduler = base.scheduler;
  if (r.scheduler !== undefined) {
    const s = r.scheduler;
    if (!isObject(s)) return bad(`recipe.scheduler must be an object, found ${describe(s)}`);
    switch (s.name) {
      case 'onecycle':
        scheduler = {
          name: 'onecycle',
          pctStart: positive('scheduler.pctStart', s.pctStart ?? 0.2),
          divFactor: positive('scheduler.divFactor', s.divFactor ?? 10),
          finalDivFactor: positive('scheduler.finalDivFactor', s.finalDivFactor ?? 100),
          cycleMomentum:
            optional<boolean>(
              'scheduler.cycleMomentum',
              s.cycleMomentum,
              'true or false',
              (v) => typeof v === 'boolean',
            ) ?? true,
        };
        break;
      case 'step':
        scheduler = {
          name: 'step',
          stepSize: int('scheduler.stepSize', 1, s.stepSize, 5),
          gamma: positive('scheduler.gamma', s.gamma ?? 0.1),
        };
        break;
      case 'plateau':
        scheduler = {
          name: 'plateau',
          factor: positive('scheduler.factor', s.factor ?? 0.1),
          patience: int('scheduler.patience', 0, s.patience, 2),
        };
        break;
      case 'none':
        scheduler = { name: 'none' };
        break;
      default:
        bad(
          `recipe.scheduler.name must be "onecycle", "step", "plateau" or "none", found ${describe(s.name)}`,
        );
    }
  }
  let augment = base.augment;
  if (r.augment !== undefined) {
    const a = r.augment;
    if (!isObject(a) || typeof a.rotate !== 'number' || !(a.rotate >= 0 && a.rotate <= 180)) {
      bad(`recipe.augment must be {"rotate": degrees in [0, 180]}, found ${describe(a)}`);
    }
    augment = { rotate: (a as { rotate: number }).rotate };
  }
  const labelSmoothing =
    optional<number>(
      'labelSmoothing',
      r.labelSmoothing,
      'a number in [0, 1)',
      (v) => typeof v === 'number' && v >= 0 && v < 1,
    ) ?? base.labelSmoothing;
  return structuredClone({
    optimizer,
    scheduler,
    batchSize: int('batchSize', 1, r.batchSize, base.batchSize),
    epochs: int('epochs', 1, r.epochs, base.epochs),
    augment,
    ...(labelSmoothing ? { labelSmoothing } : {}),
    seed: int('seed', 0, r.seed, base.seed),
  });
}

/** The JSON of a model file for `model` (what the docs page downloads). */
export function toModelFile(
  model: Pick<ZooModel, 'name' | 'description' | 'architecture'> & { recipe?: Recipe },
): ModelFile {
  return {
    $schema: MODEL_FILE_SCHEMA_URL,
    name: model.name,
    ...(model.description ? { description: model.description } : {}),
    architecture: model.architecture.map(({ name: _name, ...layer }) => layer),
    ...(model.recipe ? { recipe: model.recipe } : {}),
  };
}
