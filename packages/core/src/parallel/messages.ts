import type { LayerSpec } from '../architecture';
import type { BackendName } from '../backend';
import type { CoreErrorCode } from '../errors';
import type { LossKind } from '../losses';
import type { FlatLayout } from '../nn/flat-state';

/** Main thread → worker. Every array travels in the transfer list, never per tensor. */
export type ToWorker =
  | {
      type: 'init';
      architecture: LayerSpec[];
      backend: BackendName;
      loss: LossKind;
      /** ε of the training loss (0 = none). */
      labelSmoothing: number;
      layout: FlatLayout;
    }
  | (ShardTask & ShardRequest);

/** What a worker does with its shard: train (gradients) or evaluate (predict). */
export type ShardTask =
  | {
      type: 'gradients';
      /** Dropout generator states for this shard (by dotted name). */
      rng: Record<string, number>;
    }
  | { type: 'predict' };

/** What a training or evaluation request carries: the model's state and one shard of a batch. */
export interface ShardRequest {
  id: number;
  /** Parameters then buffers (see flat-state.ts). */
  state: Float32Array;
  /** This worker's shard: normalised NHWC images and labels. */
  x: Float32Array;
  labels: Int32Array;
  size: number;
  rows: number;
  cols: number;
}

/** Worker → main thread. */
export type FromWorker =
  | { type: 'ready'; layout: FlatLayout }
  | {
      type: 'gradients';
      id: number;
      /** Mean-loss gradients over the shard, flat in layout order. */
      grads: Float32Array;
      /** The buffers after the forward pass (BatchNorm running statistics of this shard). */
      buffers: Float32Array;
      loss: number;
      correct: number;
      size: number;
    }
  | { type: 'predict'; id: number; losses: Float32Array; predictions: Int32Array }
  | { type: 'error'; id?: number; code?: CoreErrorCode; message: string };
