// Node entry (ESM and CJS): the shared names, Node's loader and parser, and the cache helpers.
export { defaultCacheDir } from './cache';
export {
  type FetchedMnistFile,
  type FetchMnistOptions,
  fetchMnist,
  type LoadMnistOptions,
  loadMnist,
  mnistPackageDir,
} from './load-node';
export { parseIdx } from './parse-idx-node';
export * from './shared-exports';
