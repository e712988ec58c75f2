// Browser entry: no Node built-ins; loadMnist fetches, parseIdx inflates with DecompressionStream.
export { type LoadMnistOptions, loadMnist } from './load-browser';
export { parseIdx } from './parse-idx-browser';
export * from './shared-exports';
