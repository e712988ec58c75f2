import type { TrainMessage, TrainRequest } from './train-protocol';

/** What a page chooses for a training run (the session adds the site's URLs). */
export type TrainSettings = Omit<TrainRequest, 'type' | 'wasmUrl' | 'mnistUrl' | 'mnistSubsetUrl'>;

/** One epoch as the session keeps it: the worker's report and the wall time up to it. */
export type TrainingEpoch = Extract<TrainMessage, { type: 'epoch' }> & {
  /** Seconds since the model was ready to train (evaluation included, pauses not). */
  elapsedSeconds: number;
};

/** A run that ended (completed or stopped), as the design page keeps it for comparison. */
export interface FinishedTraining {
  settings: TrainSettings;
  /** The trained model's name (a zoo name, or the model file's `name`). */
  model: string;
  parameters: number;
  status: 'completed' | 'aborted';
  epochs: TrainingEpoch[];
}
