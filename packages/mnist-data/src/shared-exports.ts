// What the Node entry (index.ts) and the browser entry (browser.ts) both export: everything but
// the loader, the gzip-aware parser and the Node-only cache helpers, which each entry adds.
export { type BatchOptions, batches, type MnistBatch } from './batches';
export {
  MNIST_FILES,
  type MnistFile,
  type MnistFileKind,
  type MnistSplit,
  mnistFile,
} from './checksums';
export { classCounts } from './class-counts';
export { type DownloadOptions, type DownloadProgress, downloadMnistFile } from './download';
export { MnistDataError, type MnistDataErrorCode } from './errors';
export { isGzip } from './gzip';
export {
  decodeIdx,
  type IdxData,
  type IdxDtype,
  type IdxHeader,
  type IdxTypedArray,
  type ParseIdxOptions,
  readIdxHeader,
} from './idx';
export { DEFAULT_MIRRORS, mirrorUrl } from './mirrors';
export {
  MNIST_CLASSES,
  MNIST_COLS,
  MNIST_ROWS,
  type MnistData,
  type MnistSource,
} from './mnist';
export { oneHot } from './one-hot';
export { MNIST_MEAN, MNIST_STD } from './statistics';
