// `@s4/core/checkpoint`: a network's checkpoint folder (model.json + weights.bin), and the
// training state `fit` resumes from.

export type { ReplaceFolderStep } from './atomic-folder';
export type {
  CheckpointContent,
  CheckpointJson,
  DecodeOptions,
  LoadedCheckpoint,
  WeightSpec,
} from './checkpoint';
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  decodeCheckpoint,
  encodeCheckpoint,
  loadCheckpoint,
  MODEL_JSON,
  recoverCheckpoint,
  saveCheckpoint,
  WEIGHTS_BIN,
} from './checkpoint';
export type { LoadedTrainingCheckpoint, TrainingState } from './training-state';
export {
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  TRAINING_STATE_VERSION,
} from './training-state';
