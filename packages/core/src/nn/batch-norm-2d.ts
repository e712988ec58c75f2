import { BatchNorm } from './batch-norm';

/** Batch normalisation of NHWC images `[N, H, W, C]`, statistics over N, H and W per channel. */
export class BatchNorm2d extends BatchNorm {
  readonly typeName = 'BatchNorm2d';
  protected readonly inputPattern = [null, null, null, this.numFeatures] as const;
}
