import { type BackendName, CoreError, initBackend } from '@s4/core';
import { type LoadedCheckpoint, loadCheckpoint } from '@s4/core/checkpoint';
import { createModel, loadShippedModel, modelNames } from '@s4/models';
import { Option } from 'commander';
import { UsageError } from './errors';
import { resolveModel } from './model-choice';

export interface ModelChoice {
  model?: string | undefined;
  checkpoint?: string | undefined;
  backend: BackendName;
}

/** The `--model` and `--checkpoint` options of the commands that run a trained network. */
export function modelChoiceOptions(): [Option, Option] {
  return [
    new Option(
      '-m, --model <name|file>',
      `zoo model with shipped weights (${modelNames().join(', ')}; default s4), or a model file with --checkpoint`,
    ),
    new Option(
      '-c, --checkpoint <dir>',
      'checkpoint folder (with --model: load it into that architecture)',
    ),
  ];
}

export interface InferenceModel extends LoadedCheckpoint {
  /** The zoo name, or the checkpoint folder for a checkpoint of no known model. */
  name: string;
}

/**
 * The network `--model` / `--checkpoint` name, in eval mode: a checkpoint folder (rebuilt from
 * its architecture, or loaded into `--model`'s architecture when both are given, which checks
 * every tensor's shape), else the model's shipped weights. Bad choices are UsageErrors.
 */
export async function loadInferenceModel(choice: ModelChoice): Promise<InferenceModel> {
  if (choice.checkpoint !== undefined && choice.checkpoint.trim() === '') {
    throw new UsageError('--checkpoint: expected a checkpoint folder, found ""');
  }
  await initBackend({ backend: choice.backend });
  const chosen = choice.model === undefined ? undefined : await resolveModel(choice.model);
  let zooName = chosen?.name;
  try {
    let loaded: LoadedCheckpoint;
    if (choice.checkpoint !== undefined) {
      const target = chosen ? createModel(chosen) : undefined;
      try {
        loaded = await loadCheckpoint(choice.checkpoint, target ? { model: target } : {});
      } catch (error) {
        target?.dispose();
        throw error;
      }
      for (const t of loaded.extraTensors.values()) t.dispose();
      loaded.extraTensors.clear();
      loaded.model.eval();
      // evaluate and predict feed MNIST digits: a network made for other inputs cannot run.
      if (loaded.inputShape.join(',') !== '28,28,1') {
        loaded.model.dispose();
        throw new UsageError(
          `${choice.checkpoint}/model.json: "inputShape" must be [28, 28, 1] (an MNIST digit) for s4 evaluate and predict, found [${loaded.inputShape.join(', ')}]`,
        );
      }
    } else {
      if (chosen && 'file' in chosen) {
        throw new UsageError(
          `--model ${chosen.file} is a model file without weights: train it with "s4 train --model ${chosen.file}" and pass --checkpoint <run>/best`,
        );
      }
      const name = zooName ?? 's4';
      try {
        loaded = await loadShippedModel(name);
      } catch (error) {
        if (
          error instanceof CoreError &&
          error.code === 'BAD_CHECKPOINT' &&
          /missing/.test(error.message)
        ) {
          throw new UsageError(
            `No shipped weights for model "${name}" yet: train it with "s4 train --model ${name}" and pass --checkpoint <run>/best`,
          );
        }
        throw error;
      }
      zooName = name;
    }
    const metaName = loaded.metadata?.model;
    return {
      ...loaded,
      name: zooName ?? (typeof metaName === 'string' ? metaName : (choice.checkpoint as string)),
    };
  } catch (error) {
    // A checkpoint that cannot be read or does not fit the model is bad input, not a crash.
    if (error instanceof CoreError) throw new UsageError(error.message);
    throw error;
  }
}
