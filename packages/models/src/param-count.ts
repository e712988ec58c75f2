import type { LayerSpec } from './layer-spec';

/** Trainable parameters of one layer, from its spec alone (the same count PyTorch prints). */
export function layerParamCount(layer: LayerSpec): number {
  switch (layer.type) {
    case 'conv2d':
      return (
        layer.kernelSize[0] * layer.kernelSize[1] * layer.inChannels * layer.outChannels +
        (layer.bias ? layer.outChannels : 0)
      );
    case 'batchnorm2d':
    case 'batchnorm1d':
      return 2 * layer.numFeatures;
    case 'linear':
      return layer.inFeatures * layer.outFeatures + (layer.bias ? layer.outFeatures : 0);
    default:
      return 0;
  }
}

/** Trainable parameters of a whole architecture. */
export function paramCount(architecture: readonly LayerSpec[]): number {
  return architecture.reduce((sum, layer) => sum + layerParamCount(layer), 0);
}
