import type { Prediction } from '@s4/core';
import type { ArchitectureBlock } from './architecture-blocks';

/** The feature maps one conv block outputs for one image: C maps of H×W, channel-major. */
export interface FeatureMaps {
  title: string;
  channels: number;
  height: number;
  width: number;
  /** values[c * height * width + y * width + x] */
  values: Float32Array;
}

/** What each layer of a network computes for one image. */
export interface LayerActivations {
  /** One entry per conv block, in order (after its BN, ReLU…). */
  conv: FeatureMaps[];
  /** The global-average-pooled vector, if the network has one. */
  gap?: Float32Array;
  /** The last linear layer's outputs (before any log-softmax). */
  logits: Float32Array;
  /** The network's class probabilities (softmax of the logits). */
  probabilities: Float32Array;
}

/**
 * Sorts what `predict` (with `layers: true`) returned for one image into what the page draws:
 * the output of every conv block, the GAP vector and the logits, in PyTorch's channel-major order.
 */
export function layerActivations(
  prediction: Prediction,
  blocks: readonly ArchitectureBlock[],
): LayerActivations {
  const outputs = prediction.layers ?? [];
  const result: LayerActivations = {
    conv: [],
    logits: new Float32Array(),
    probabilities: prediction.probabilities,
  };
  for (const block of blocks) {
    if (block.kind === 'input') continue;
    const last = block.kind === 'linear' ? block.layers[0] : block.layers.at(-1);
    const output = last === undefined ? undefined : outputs[Number(last)];
    if (output === undefined) continue;
    if (block.kind === 'conv' && output.shape.length === 3) {
      const [height, width, channels] = output.shape as [number, number, number];
      result.conv.push({
        title: block.title,
        channels,
        height,
        width,
        values: channelMajor(output.values, height, width, channels),
      });
    } else if (block.kind === 'gap') {
      result.gap = output.values;
    } else if (block.kind === 'linear') {
      result.logits = output.values;
    }
  }
  // A network without a linear layer (its last conv makes the logits) reads them from the end.
  if (result.logits.length === 0) result.logits = outputs.at(-1)?.values ?? new Float32Array();
  return result;
}

/** tfjs keeps NHWC; the maps are drawn one channel at a time. */
function channelMajor(data: Float32Array, height: number, width: number, channels: number) {
  const out = new Float32Array(data.length);
  const plane = height * width;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * channels + c]!;
  }
  return out;
}
