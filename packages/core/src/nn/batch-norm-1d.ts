import { BatchNorm } from './batch-norm';

/** Batch normalisation of features `[N, C]`, statistics over the batch per feature. */
export class BatchNorm1d extends BatchNorm {
  readonly typeName = 'BatchNorm1d';
  protected readonly inputPattern = [null, this.numFeatures] as const;
}
