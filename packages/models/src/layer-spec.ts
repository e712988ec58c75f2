/**
 * Layer specs in @s4/core's checkpoint `architecture` format (one JSON object per layer, the
 * whole list rebuilds the network). Kept as small builders so the zoo reads like PyTorch.
 */
export type LayerSpec =
  | {
      type: 'conv2d';
      inChannels: number;
      outChannels: number;
      kernelSize: number;
      stride: number;
      padding: number;
      bias: boolean;
    }
  | { type: 'batchnorm2d'; numFeatures: number }
  | { type: 'batchnorm1d'; numFeatures: number }
  | { type: 'relu'; functional?: boolean }
  | { type: 'maxpool2d'; kernelSize: number; stride: number }
  | { type: 'dropout'; p: number }
  | { type: 'gap'; functional?: boolean }
  | { type: 'flatten'; functional?: boolean }
  | { type: 'linear'; inFeatures: number; outFeatures: number; bias: boolean }
  | { type: 'logsoftmax'; functional?: boolean };
