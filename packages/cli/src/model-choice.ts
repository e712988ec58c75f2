import { readFile } from 'node:fs/promises';
import {
  getZooModel,
  ModelFileError,
  modelNames,
  parseModelFile,
  UnknownModelError,
  type ZooModel,
} from '@s4/models';
import { UsageError } from './errors';

/** `--model`'s help: a zoo name or a model file. */
export const MODEL_OPTION_HELP = `zoo model (${modelNames().join(', ')}) or a model file (./net.json)`;

/** A `--model` value that names a file rather than a zoo model. */
export const isModelPath = (value: string): boolean =>
  value.endsWith('.json') || value.includes('/') || value.includes('\\');

/** A model read from a file: the file is remembered so runs and errors can name it. */
export interface FileModel extends ZooModel {
  file: string;
}

/**
 * The model `--model` names: a zoo model, or a model file (a path, or any value ending in
 * `.json`), checked layer by layer. Unknown names and bad files are UsageErrors (exit 2).
 */
export async function resolveModel(value: string): Promise<ZooModel | FileModel> {
  if (!isModelPath(value)) {
    try {
      return getZooModel(value);
    } catch (error) {
      if (error instanceof UnknownModelError) {
        throw new UsageError(`${error.message}, or a model file like ./net.json`);
      }
      throw error;
    }
  }
  let text: string;
  try {
    text = await readFile(value, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--model ${value}: cannot read the model file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  try {
    return { ...parseModelFile(text, value), file: value };
  } catch (error) {
    if (error instanceof ModelFileError) throw new UsageError(error.message);
    throw error;
  }
}
