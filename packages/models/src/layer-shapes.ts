import { ArchitectureError } from './errors';
import type { LayerSpec } from './layer-spec';

/** What flows between layers, without the batch: `[C, H, W]` (an image) or `[F]` (a vector). */
export type FeatureShape = [number, number, number] | [number];

/** The network's input: one 28×28 grayscale MNIST image. */
export const INPUT_SHAPE: FeatureShape = [1, 28, 28];

/** Output size along one axis: ⌊(n + 2p − k)/s⌋ + 1, or ⌈n/s⌉ for TensorFlow's 'same' padding. */
export function outputSize(
  n: number,
  kernel: number,
  stride: number,
  padding: number | 'valid' | 'same',
): number {
  if (padding === 'same') return Math.ceil(n / stride);
  const p = padding === 'valid' ? 0 : padding;
  return Math.floor((n + 2 * p - kernel) / stride) + 1;
}

const where = (index: number, layer: LayerSpec) => `architecture[${index}] (${layer.type})`;

function image(index: number, layer: LayerSpec, input: FeatureShape): [number, number, number] {
  if (input.length !== 3) {
    throw new ArchitectureError(
      'WRONG_INPUT_KIND',
      `${where(index, layer)}: expects an image [C, H, W], but the previous layer outputs a vector [${input[0]}] (a ${layer.type} must come before flatten/gap)`,
      { index, layerType: layer.type },
    );
  }
  return input;
}

function vector(index: number, layer: LayerSpec, input: FeatureShape): number {
  if (input.length !== 1) {
    throw new ArchitectureError(
      'WRONG_INPUT_KIND',
      `${where(index, layer)}: expects a vector [F], but the previous layer outputs an image [${input.join(', ')}]; put a flatten or gap before it`,
      { index, layerType: layer.type },
    );
  }
  return input[0];
}

function chain(index: number, layer: LayerSpec, field: string, expected: number, found: number) {
  if (expected !== found) {
    throw new ArchitectureError(
      'CHANNEL_MISMATCH',
      `${where(index, layer)}: ${field} ${expected}, but the previous layer outputs ${found}`,
      { index, layerType: layer.type, field },
    );
  }
}

function spatial(
  index: number,
  layer: LayerSpec & { kernelSize: [number, number]; stride: [number, number] },
  padding: number | 'valid' | 'same',
  h: number,
  w: number,
): [number, number] {
  const out: [number, number] = [
    outputSize(h, layer.kernelSize[0], layer.stride[0], padding),
    outputSize(w, layer.kernelSize[1], layer.stride[1], padding),
  ];
  if (out[0] < 1 || out[1] < 1) {
    throw new ArchitectureError(
      'SPATIAL_TOO_SMALL',
      `${where(index, layer)}: a ${layer.kernelSize.join('×')} kernel with stride ${layer.stride.join('×')} and padding ${JSON.stringify(padding)} on a ${h}×${w} input gives ${out.join('×')}; the output must be at least 1×1`,
      { index, layerType: layer.type, field: 'kernelSize' },
    );
  }
  return out;
}

/**
 * The shape layer `index` outputs for `input`; throws an ArchitectureError when the layer does
 * not fit what the previous layer outputs (channels, image vs vector, size below 1×1).
 */
export function layerOutputShape(
  layer: LayerSpec,
  index: number,
  input: FeatureShape,
): FeatureShape {
  switch (layer.type) {
    case 'conv2d': {
      const [c, h, w] = image(index, layer, input);
      chain(index, layer, 'inChannels', layer.inChannels, c);
      return [layer.outChannels, ...spatial(index, layer, layer.padding, h, w)];
    }
    case 'maxpool2d':
    case 'avgpool2d': {
      const [c, h, w] = image(index, layer, input);
      return [c, ...spatial(index, layer, layer.padding, h, w)];
    }
    case 'batchnorm2d':
      chain(index, layer, 'numFeatures', layer.numFeatures, image(index, layer, input)[0]);
      return input;
    case 'batchnorm1d':
      chain(index, layer, 'numFeatures', layer.numFeatures, vector(index, layer, input));
      return input;
    case 'linear':
      chain(index, layer, 'inFeatures', layer.inFeatures, vector(index, layer, input));
      return [layer.outFeatures];
    case 'gap':
      return [image(index, layer, input)[0]];
    case 'flatten':
      return [input.reduce((a, b) => a * b, 1)];
    default:
      return input;
  }
}

/** The output shape of every layer, in order (throws on the first layer that does not fit). */
export function architectureShapes(architecture: readonly LayerSpec[]): FeatureShape[] {
  let shape = INPUT_SHAPE;
  return architecture.map((layer, index) => {
    shape = layerOutputShape(layer, index, shape);
    return shape;
  });
}
