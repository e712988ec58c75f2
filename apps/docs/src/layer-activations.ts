import type { Module } from '@s4/core';
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

type Tf = typeof import('@s4/core').tf;

/**
 * Runs `layers` (a Sequential's layers, in eval mode) one at a time on one 28×28 image and keeps
 * the output of every conv block, the GAP vector and the logits, in PyTorch's channel-major order.
 */
export async function layerActivations(
  tf: Tf,
  layers: readonly Module[],
  blocks: readonly ArchitectureBlock[],
  image: Float32Array,
): Promise<LayerActivations> {
  const lastLayerOf = new Map<string, ArchitectureBlock>();
  for (const block of blocks) {
    const last = block.kind === 'linear' ? block.layers[0] : block.layers.at(-1);
    if (last !== undefined) lastLayerOf.set(last, block);
  }
  const kept: Array<{ block: ArchitectureBlock; tensor: import('@s4/core').tf.Tensor }> = [];
  const output = tf.tidy(() => {
    let x: import('@s4/core').tf.Tensor = tf.tensor4d(image, [1, 28, 28, 1]);
    layers.forEach((layer, index) => {
      x = layer.forward(x);
      const block = lastLayerOf.get(String(index));
      if (block !== undefined && block.kind !== 'input') kept.push({ block, tensor: tf.keep(x) });
    });
    return x;
  });
  try {
    const result: LayerActivations = {
      conv: [],
      logits: new Float32Array(),
      probabilities: new Float32Array(),
    };
    for (const { block, tensor } of kept) {
      const data = (await tensor.data()) as Float32Array;
      if (block.kind === 'conv' && tensor.shape.length === 4) {
        const [, height, width, channels] = tensor.shape as [number, number, number, number];
        result.conv.push({
          title: block.title,
          channels,
          height,
          width,
          values: channelMajor(data, height, width, channels),
        });
      } else if (block.kind === 'gap') {
        result.gap = Float32Array.from(data);
      } else if (block.kind === 'linear') {
        result.logits = Float32Array.from(data);
      }
    }
    // A network without a linear layer (its last conv makes the logits) reads them from the end.
    if (result.logits.length === 0)
      result.logits = Float32Array.from((await output.data()) as Float32Array);
    const max = Math.max(...result.logits);
    const exp = result.logits.map((v) => Math.exp(v - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    result.probabilities = exp.map((v) => v / sum);
    return result;
  } finally {
    for (const { tensor } of kept) tensor.dispose();
    output.dispose();
  }
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
