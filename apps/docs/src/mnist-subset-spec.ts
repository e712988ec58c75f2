import type { MnistSplit } from '@s4/mnist-data';

/** One file of the subset the site serves under /generated/mnist-subset/ (gzip IDX). */
export interface MnistSubsetFile {
  file: string;
  /** SHA-256 of the inflated IDX file. */
  sha256: string;
  rawBytes: number;
}

export interface MnistSubsetSplit {
  count: number;
  images: MnistSubsetFile;
  labels: MnistSubsetFile;
}

/**
 * The first images of each split, the train demo's default run (6,000 train, 1,000 test). The
 * files are cut from the official ones at build time (scripts/steps/mnist-subset.ts), which
 * refuses to write any whose SHA-256 differs from these; the page checks them again.
 */
export const MNIST_SUBSET: Record<MnistSplit, MnistSubsetSplit> = {
  train: {
    count: 6000,
    images: {
      file: 'train-images-idx3-ubyte-first-6000.gz',
      sha256: '2782ff6f3467f3487a520503c34fe99b761aa97623af029969e59716ac3585c3',
      rawBytes: 4_704_016,
    },
    labels: {
      file: 'train-labels-idx1-ubyte-first-6000.gz',
      sha256: '0d830540a6191e75a9f5cd63cd5b4bde38960b893784bbf456d560179296d7cd',
      rawBytes: 6008,
    },
  },
  test: {
    count: 1000,
    images: {
      file: 't10k-images-idx3-ubyte-first-1000.gz',
      sha256: 'de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52',
      rawBytes: 784_016,
    },
    labels: {
      file: 't10k-labels-idx1-ubyte-first-1000.gz',
      sha256: '832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90',
      rawBytes: 1008,
    },
  },
};
