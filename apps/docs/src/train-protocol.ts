import type { BatchEndEvent, EpochSummary } from '@s4/core';
import type { ModelFile } from '@s4/models';

/** Messages between the training demos and their Web Worker (structured-clone friendly). */

export interface TrainRequest {
  type: 'start';
  /**
   * A zoo model's name (the train demo), or a model file's JSON (the design page): the worker
   * checks it again and trains it with its recipe, `epochs` and `batchSize` overriding it.
   */
  model: string | ModelFile;
  /** First N training images of MNIST. */
  trainCount: number;
  /** First N test images, evaluated after every epoch. */
  testCount: number;
  epochs: number;
  batchSize: number;
  /** Data-parallel gradient workers (1: train in the demo's worker itself). */
  workers: number;
  /** Absolute URLs (a worker resolves relative URLs against its own script). */
  wasmUrl: string;
  mnistUrl: string;
  /** Folder of the small subset files (see mnist-subset-spec.ts). */
  mnistSubsetUrl: string;
}

export type TrainControl = { type: 'pause' } | { type: 'resume' } | { type: 'stop' };

export type TrainMessage =
  | { type: 'status'; text: string }
  | {
      type: 'ready';
      model: string;
      parameters: number;
      backend: string;
      simd: boolean;
      threads: boolean;
      workers: number;
      totalSteps: number;
    }
  // fit's own event fields, so a field added there reaches the page without a copy here.
  | ({ type: 'batch' } & Omit<BatchEndEvent, 'type'>)
  | ({ type: 'epoch' } & EpochSummary)
  | { type: 'paused' }
  | { type: 'resumed' }
  | { type: 'done'; status: 'completed' | 'aborted'; steps: number }
  | { type: 'error'; message: string };
