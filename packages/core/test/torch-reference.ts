import { readFileSync } from 'node:fs';

/** Sequences computed by PyTorch itself (float64); regenerate with fixtures/torch-reference.py. */
export interface OptimizerCase {
  initial: number[];
  shape: number[];
  grads: number[][];
  params: number[][];
  lrs: number[];
}

export interface TorchReference {
  torch: string;
  optimizers: Record<string, OptimizerCase>;
  oneCycle: Record<
    string,
    {
      totalSteps: number;
      kwargs: Record<string, number | string | boolean>;
      useAdam: boolean;
      rows: Array<[number, number, number]>;
    }
  >;
  stepLR: Record<
    string,
    { lr: number; kwargs: { step_size: number; gamma: number }; lrs: number[] }
  >;
  losses: {
    logits: number[][];
    labels: number[];
    crossEntropy: number;
    crossEntropyGrad: number[][];
    nll: number;
    perExample: number[];
  };
  plateau: Record<
    string,
    { lr: number; kwargs: Record<string, number | string>; metrics: number[]; lrs: number[] }
  >;
}

export const torchReference: TorchReference = JSON.parse(
  readFileSync(new URL('./fixtures/torch-reference.json', import.meta.url), 'utf8'),
);
