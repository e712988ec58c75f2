import type { UnnamedLayerSpec } from './layer-spec';

// Builders for @s4/core layer specs with PyTorch's defaults, so the zoo reads like PyTorch code.

/** 3×3 (or `kernelSize`) convolution, stride 1, no padding, with bias unless told otherwise. */
export function conv(
  inChannels: number,
  outChannels: number,
  options: { kernelSize?: number; padding?: number; bias?: boolean } = {},
): UnnamedLayerSpec {
  const k = options.kernelSize ?? 3;
  return {
    type: 'conv2d',
    inChannels,
    outChannels,
    kernelSize: [k, k],
    stride: [1, 1],
    padding: options.padding ?? 0,
    bias: options.bias ?? true,
  };
}

export const batchNorm2d = (numFeatures: number): UnnamedLayerSpec => ({
  type: 'batchnorm2d',
  numFeatures,
  eps: 1e-5,
  momentum: 0.1,
});
export const batchNorm1d = (numFeatures: number): UnnamedLayerSpec => ({
  type: 'batchnorm1d',
  numFeatures,
  eps: 1e-5,
  momentum: 0.1,
});
/** `functional`: applied like `F.relu`, so torchsummary lists no row for it. */
export const relu = (functional = false): UnnamedLayerSpec =>
  functional ? { type: 'relu', functional } : { type: 'relu' };
export const maxPool2d = (size = 2): UnnamedLayerSpec => ({
  type: 'maxpool2d',
  kernelSize: [size, size],
  stride: [size, size],
  padding: 'valid',
});
export const dropout = (p: number): UnnamedLayerSpec => ({ type: 'dropout', p });
export const gap = (): UnnamedLayerSpec => ({ type: 'gap' });
export const flatten = (functional = false): UnnamedLayerSpec =>
  functional ? { type: 'flatten', functional } : { type: 'flatten' };
export const linear = (inFeatures: number, outFeatures: number): UnnamedLayerSpec => ({
  type: 'linear',
  inFeatures,
  outFeatures,
  bias: true,
});
export const logSoftmax = (functional = false): UnnamedLayerSpec =>
  functional ? { type: 'logsoftmax', functional } : { type: 'logsoftmax' };

/** Conv(3×3, no bias: BatchNorm's shift makes it redundant) → BatchNorm → ReLU → Dropout(p > 0). */
export function convBnRelu(inChannels: number, outChannels: number, p: number): UnnamedLayerSpec[] {
  const layers = [conv(inChannels, outChannels, { bias: false }), batchNorm2d(outChannels), relu()];
  return p > 0 ? [...layers, dropout(p)] : layers;
}
