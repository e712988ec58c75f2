import type { LayerSpec } from '@s4/core';
import { analyzeArchitecture, INPUT_SHAPE } from '@s4/models';

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

const EXTRA_TYPES = new Set<LayerSpec['type']>([
  'batchnorm2d',
  'batchnorm1d',
  'relu',
  'dropout',
  'logsoftmax',
]);

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

function title(layer: LayerSpec): string {
  switch (layer.type) {
    case 'conv2d':
      return `Conv ${layer.kernelSize[0]}×${layer.kernelSize[1]}, ${layer.inChannels}→${layer.outChannels}`;
    case 'maxpool2d':
    case 'avgpool2d':
      return `${layer.type === 'maxpool2d' ? 'MaxPool' : 'AvgPool'} ${layer.kernelSize[0]}×${layer.kernelSize[1]}`;
    case 'gap':
      return 'Global average pool';
    case 'flatten':
      return 'Flatten';
    case 'linear':
      return `Linear ${layer.inFeatures}→${layer.outFeatures}`;
    default:
      return layer.type;
  }
}

const KINDS: Partial<Record<LayerSpec['type'], ArchitectureBlock['kind']>> = {
  conv2d: 'conv',
  maxpool2d: 'pool',
  avgpool2d: 'pool',
  gap: 'gap',
  flatten: 'flatten',
  linear: 'linear',
};

/**
 * An architecture as diagram blocks: each main layer (conv, pool, GAP, flatten, linear) with the
 * BN/ReLU/dropout/log-softmax after it folded in. Shapes, parameters and receptive fields come
 * from `analyzeArchitecture` of @s4/models, which also names the layer of an invalid network.
 */
export function architectureBlocks(architecture: readonly LayerSpec[]): ArchitectureBlock[] {
  const analysis = analyzeArchitecture(architecture);
  const blocks: ArchitectureBlock[] = [
    {
      kind: 'input',
      title: 'Input image',
      extras: [],
      shape: [...INPUT_SHAPE],
      receptiveField: 1,
      params: 0,
      layers: [],
    },
  ];
  for (const [index, layer] of architecture.entries()) {
    const info = analysis[index]!;
    const kind = KINDS[layer.type];
    if (kind === undefined || EXTRA_TYPES.has(layer.type)) {
      const last = blocks.at(-1)!;
      last.extras.push(extraLabel(layer));
      last.params += info.params;
      last.layers.push(layer.name);
      continue;
    }
    blocks.push({
      kind,
      title: title(layer),
      extras: [],
      shape: [...info.outputShape],
      // Only where one output value still stands for a patch of the image.
      receptiveField:
        info.outputShape.length === 3 || kind === 'gap' ? info.receptiveField : undefined,
      params: info.params,
      layers: [layer.name],
    });
  }
  return blocks;
}
