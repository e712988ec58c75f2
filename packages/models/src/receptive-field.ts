import { architectureShapes, type FeatureShape, INPUT_SHAPE } from './layer-shapes';
import type { LayerSpec } from './layer-spec';
import { layerParamCount } from './param-count';

/** The @s4/core (and PyTorch) class of each layer type, as torchsummary names rows. */
export const CLASS_NAMES: Record<LayerSpec['type'], string> = {
  conv2d: 'Conv2d',
  batchnorm2d: 'BatchNorm2d',
  batchnorm1d: 'BatchNorm1d',
  linear: 'Linear',
  maxpool2d: 'MaxPool2d',
  avgpool2d: 'AvgPool2d',
  dropout: 'Dropout',
  relu: 'ReLU',
  gap: 'GlobalAvgPool',
  flatten: 'Flatten',
  logsoftmax: 'LogSoftmax',
};

/** What a learner works out by hand for one layer, on one 1×28×28 input. */
export interface LayerAnalysis {
  /** Position in `architecture`. */
  index: number;
  type: LayerSpec['type'];
  /** Applied as a function call (`F.relu`): torchsummary shows no row for it. */
  functional: boolean;
  /** torchsummary's row name (`Conv2d-1`), numbered over the listed layers; undefined when functional. */
  summaryName: string | undefined;
  /** `[C, H, W]` or `[F]`, without the batch. */
  outputShape: FeatureShape;
  params: number;
  /**
   * Side of the square of input pixels one output value can see: r_out = r_in + (k − 1)·j_in.
   * Global average pooling sees its whole input (k = its size); so does a Linear after a flatten.
   */
  receptiveField: number;
  /** Input pixels between neighbouring outputs (cumulative stride): j_out = j_in·s. */
  jump: number;
  /** Multiply-adds of one forward pass: conv k·k·C_in per output value, Linear in·out; 0 for the rest. */
  multiplyAdds: number;
}

/**
 * Per-layer output shape, parameters, receptive field, jump and multiply-adds of a valid
 * architecture (see `validateArchitecture`), by the standard recurrences
 * n_out = ⌊(n_in + 2p − k)/s⌋ + 1, j_out = j_in·s, r_out = r_in + (k − 1)·j_in (rows and
 * columns alike; a non-square kernel reports the height).
 */
export function analyzeArchitecture(architecture: readonly LayerSpec[]): LayerAnalysis[] {
  const shapes = architectureShapes(architecture);
  let r = 1;
  let j = 1;
  let input: FeatureShape = INPUT_SHAPE;
  // Height of the image a flatten turned into a vector: the next Linear sees all of it.
  let flattenedHeight = 1;
  let listed = 0;
  return architecture.map((layer, index) => {
    const outputShape = shapes[index] as FeatureShape;
    let multiplyAdds = 0;
    switch (layer.type) {
      case 'conv2d':
      case 'maxpool2d':
      case 'avgpool2d': {
        const [k] = layer.kernelSize;
        const [s] = layer.stride;
        r += (k - 1) * j;
        j *= s;
        if (layer.type === 'conv2d') {
          const [c, h, w] = outputShape as [number, number, number];
          multiplyAdds = c * h * w * layer.kernelSize[0] * layer.kernelSize[1] * layer.inChannels;
        }
        break;
      }
      case 'gap': {
        const n = input[1] as number;
        r += (n - 1) * j;
        j *= n;
        break;
      }
      case 'flatten':
        flattenedHeight = input.length === 3 ? input[1] : 1;
        break;
      case 'linear':
        r += (flattenedHeight - 1) * j;
        j *= flattenedHeight;
        flattenedHeight = 1;
        multiplyAdds = layer.inFeatures * layer.outFeatures;
        break;
    }
    input = outputShape;
    const functional = 'functional' in layer && layer.functional === true;
    return {
      index,
      type: layer.type,
      functional,
      summaryName: functional ? undefined : `${CLASS_NAMES[layer.type]}-${++listed}`,
      outputShape,
      params: layerParamCount(layer),
      receptiveField: r,
      jump: j,
      multiplyAdds,
    };
  });
}
