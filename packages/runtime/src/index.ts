// Platform-neutral entry: runs in Node, browsers and workers. File helpers: '@s4/runtime/node'.
export { deriveSeed } from './derive-seed';
export { nodeBuiltin } from './node-builtin';
export { Rng } from './rng';
