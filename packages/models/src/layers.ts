import type { LayerSpec } from './layer-spec';

/** 3×3 (or `kernelSize`) convolution, stride 1, no padding, with bias unless told otherwise. */
export function conv(
  inChannels: number,
  outChannels: number,
  options: { kernelSize?: number; padding?: number; bias?: boolean } = {},
): LayerSpec {
  return {
    type: 'conv2d',
    inChannels,
    outChannels,
    kernelSize: options.kernelSize ?? 3,
    stride: 1,
    padding: options.padding ?? 0,
    bias: options.bias ?? true,
  };
}

export const batchNorm2d = (numFeatures: number): LayerSpec => ({
  type: 'batchnorm2d',
  numFeatures,
});
export const batchNorm1d = (numFeatures: number): LayerSpec => ({
  type: 'batchnorm1d',
  numFeatures,
});
/** `functional`: applied like `F.relu`, so torchsummary lists no row for it. */
export const relu = (functional = false): LayerSpec =>
  functional ? { type: 'relu', functional } : { type: 'relu' };
export const maxPool2d = (kernelSize = 2): LayerSpec => ({
  type: 'maxpool2d',
  kernelSize,
  stride: kernelSize,
});
export const dropout = (p: number): LayerSpec => ({ type: 'dropout', p });
export const gap = (): LayerSpec => ({ type: 'gap' });
export const flatten = (functional = false): LayerSpec =>
  functional ? { type: 'flatten', functional } : { type: 'flatten' };
export const linear = (inFeatures: number, outFeatures: number): LayerSpec => ({
  type: 'linear',
  inFeatures,
  outFeatures,
  bias: true,
});
export const logSoftmax = (functional = false): LayerSpec =>
  functional ? { type: 'logsoftmax', functional } : { type: 'logsoftmax' };
