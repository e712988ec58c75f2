import type { LayerSpec } from '@s4/core';
import { layerParamCount } from '@s4/models';

/** One block of an architecture diagram: a main layer and the layers that ride along with it. */
export interface ArchitectureBlock {
  kind: 'input' | 'conv' | 'pool' | 'gap' | 'flatten' | 'linear';
  /** `Conv 3×3, 1→8` */
  title: string;
  /** The layers folded into the block, in order: `BN`, `ReLU`, `Dropout 5%`, `log-softmax`. */
  extras: string[];
  /** The block's output without the batch dimension: [C, H, W] or [features]. */
  shape: number[];
  /**
   * Side of the input patch one output value depends on, in input pixels (undefined after the
   * spatial layers end).
   */
  receptiveField?: number;
  /** Trainable parameters of the block's layers. */
  params: number;
  /** The spec names (positions) of the block's layers. */
  layers: string[];
}

export class ArchitectureShapeError extends Error {
  override name = 'ArchitectureShapeError';
}

const EXTRA_TYPES = new Set<LayerSpec['type']>([
  'batchnorm2d',
  'batchnorm1d',
  'relu',
  'dropout',
  'logsoftmax',
]);

function outputSize(
  size: number,
  kernel: number,
  stride: number,
  padding: number | 'valid' | 'same',
) {
  if (padding === 'same') return Math.ceil(size / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

function extraLabel(layer: LayerSpec): string {
  switch (layer.type) {
    case 'batchnorm2d':
    case 'batchnorm1d':
      return 'BN';
    case 'relu':
      return 'ReLU';
    case 'dropout':
      return `Dropout ${Math.round(layer.p * 100)}%`;
    default:
      return 'log-softmax';
  }
}

/**
 * An architecture as diagram blocks, computed from its layer specs alone: each block's output
 * shape, and the receptive field, which grows by (k − 1)·jump per k×k layer, the jump
 * (input pixels between neighbouring outputs) multiplying by each stride.
 */
export function architectureBlocks(
  architecture: readonly LayerSpec[],
  input: readonly [number, number, number] = [1, 28, 28],
): ArchitectureBlock[] {
  let [channels, height, width] = input;
  let features: number | undefined;
  let field = 1;
  let jump = 1;
  const blocks: ArchitectureBlock[] = [
    {
      kind: 'input',
      title: 'Input image',
      extras: [],
      shape: [...input],
      receptiveField: 1,
      params: 0,
      layers: [],
    },
  ];
  const fail = (layer: LayerSpec, what: string) => {
    throw new ArchitectureShapeError(`layer ${layer.name} (${layer.type}): ${what}`);
  };
  for (const layer of architecture) {
    const last = blocks.at(-1)!;
    if (EXTRA_TYPES.has(layer.type)) {
      last.extras.push(extraLabel(layer));
      last.params += layerParamCount(layer);
      last.layers.push(layer.name);
      continue;
    }
    const spatial = (
      kind: 'conv' | 'pool',
      title: string,
      k: [number, number],
      s: [number, number],
      padding: number | 'valid' | 'same',
    ) => {
      if (features !== undefined) fail(layer, 'expected a C×H×W input, found a flat vector');
      height = outputSize(height, k[0], s[0], padding);
      width = outputSize(width, k[1], s[1], padding);
      if (height < 1 || width < 1) {
        fail(
          layer,
          `the ${k[0]}×${k[1]} window does not fit its input (output ${height}×${width})`,
        );
      }
      field += (k[0] - 1) * jump;
      jump *= s[0];
      blocks.push({
        kind,
        title,
        extras: [],
        shape: [channels, height, width],
        receptiveField: field,
        params: layerParamCount(layer),
        layers: [layer.name],
      });
    };
    switch (layer.type) {
      case 'conv2d': {
        if (layer.inChannels !== channels) {
          fail(layer, `expected ${layer.inChannels} input channels, found ${channels}`);
        }
        channels = layer.outChannels;
        const [kh, kw] = layer.kernelSize;
        spatial(
          'conv',
          `Conv ${kh}×${kw}, ${layer.inChannels}→${layer.outChannels}`,
          layer.kernelSize,
          layer.stride,
          layer.padding,
        );
        break;
      }
      case 'maxpool2d':
      case 'avgpool2d': {
        const [kh, kw] = layer.kernelSize;
        spatial(
          'pool',
          `${layer.type === 'maxpool2d' ? 'MaxPool' : 'AvgPool'} ${kh}×${kw}`,
          layer.kernelSize,
          layer.stride,
          layer.padding,
        );
        break;
      }
      case 'gap':
        // The average covers the whole map, so every output sees the whole input.
        features = channels;
        blocks.push({
          kind: 'gap',
          title: 'Global average pool',
          extras: [],
          shape: [channels],
          receptiveField: field + (height - 1) * jump,
          params: 0,
          layers: [layer.name],
        });
        break;
      case 'flatten':
        features = features ?? channels * height * width;
        blocks.push({
          kind: 'flatten',
          title: 'Flatten',
          extras: [],
          shape: [features],
          params: 0,
          layers: [layer.name],
        });
        break;
      case 'linear': {
        const found = features ?? channels * height * width;
        if (layer.inFeatures !== found)
          fail(layer, `expected ${layer.inFeatures} inputs, found ${found}`);
        features = layer.outFeatures;
        blocks.push({
          kind: 'linear',
          title: `Linear ${layer.inFeatures}→${layer.outFeatures}`,
          extras: [],
          shape: [features],
          params: layerParamCount(layer),
          layers: [layer.name],
        });
        break;
      }
      default:
        fail(layer, 'not a layer the diagram knows');
    }
  }
  return blocks;
}
