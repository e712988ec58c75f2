import { defineConfig, type Options } from 'tsup';

// tfjs is bundled: its ESM dist uses extensionless imports that plain Node cannot load, and a
// single bundled copy guarantees one engine and one kernel registry. @s4/tfjs-wasm-training (the
// kernels) is bundled with it, so its kernels register with that same copy. `module` first, so every
// @tensorflow package comes from its ESM dist (a single tfjs-core; the backends' side-effect
// registrations are covered by their `sideEffects` lists, unlike their CommonJS `main` files).
const shared: Options = {
  entry: { index: 'src/index.ts' },
  sourcemap: true,
  noExternal: [/^@tensorflow\//, '@s4/tfjs-wasm-training'],
  esbuildOptions(options) {
    options.mainFields = ['module', 'main'];
  },
};

export default defineConfig([
  {
    ...shared,
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: true,
    // No clean: several processes (tests, benchmarks, the CLI) read dist while turbo rebuilds
    // it; overwriting in place never leaves it missing. The entry names are fixed.
    clean: false,
    // The wasm backend's Emscripten glue is CommonJS that calls `require('fs')` and reads
    // `__dirname` when it sees Node; an ESM bundle has neither, so provide both.
    shims: true,
    banner: ({ format }) =>
      format === 'esm'
        ? {
            js: "import { createRequire as __s4CreateRequire } from 'node:module';\nconst require = __s4CreateRequire(import.meta.url);",
          }
        : {},
  },
  {
    ...shared,
    // The data-parallel training worker (src/parallel/worker.ts), started by WorkerPool from
    // beside the Node bundle; ESM only, as worker_threads loads it by URL.
    entry: { 'parallel-worker': 'src/parallel/worker.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: false,
    clean: false,
    shims: true,
    banner: {
      js: "import { createRequire as __s4CreateRequire } from 'node:module';\nconst require = __s4CreateRequire(import.meta.url);",
    },
  },
  {
    ...shared,
    // Browsers (and bundlers that honour the "browser" condition) get a build that never
    // touches Node built-ins; the wasm package's `browser` field stubs its `fs`/`path` imports.
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    esbuildOptions(options) {
      options.mainFields = ['browser', 'module', 'main'];
    },
  },
]);
