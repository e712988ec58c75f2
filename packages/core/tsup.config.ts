import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// tfjs is a regular dependency, not bundled: one copy on disk, and one engine shared with any
// `@tensorflow/tfjs-core` the app imports itself. In Node only tfjs-core's gradient and chained-op
// registrations are bundled: they exist solely as extensionless ESM files, which plain Node cannot
// import. They register into tfjs's global registries (`getGlobal`), so the installed tfjs-core
// sees them, and they do not include tfjs-core's platform or backend set-up.
// @s4/tfjs-wasm-training (the kernels) is bundled; it imports the same external tfjs-core.
const tfjsPackages = /^@tensorflow\/[^/]+$/;
const tfjsRegistrations = /^@tensorflow\/tfjs-core\/dist\//;

// The package's entries (`@s4/core` and its /checkpoint, /parallel and /tf), each an index
// that only re-exports, by output name.
const entries = {
  tf: 'src/tf/index.ts',
  index: 'src/index.ts',
  checkpoint: 'src/checkpoint/index.ts',
  parallel: 'src/parallel/index.ts',
};

/**
 * The entries are not bundled one by one: all of them are bundled once, from src/public-api.ts
 * (dist/api.js, dist/browser-api.js and dist/api.d.ts), and each entry's files are its index
 * with every `from` pointing at that bundle. So `Module`, `Sequential` and the backend exist
 * once whichever entries an app imports (separately bundled declarations would declare classes
 * once per entry, and their private fields make such copies incompatible), and every output
 * name stays fixed (esbuild and rollup name the chunks shared by several entries with hashes,
 * which would pile up in a dist that is never cleaned).
 */
function writeEntries(): void {
  mkdirSync('dist', { recursive: true });
  for (const [name, source] of Object.entries(entries)) {
    const index = readFileSync(source, 'utf8');
    const to = (bundle: string) => (text: string) =>
      text.replace(/from '[^']+'/g, `from './${bundle}'`);
    const values = index.replace(/export type \{[^}]*\} from '[^']+';\n/g, '');
    writeFileSync(`dist/${name}.d.ts`, to('api.js')(index));
    writeFileSync(`dist/${name}.js`, to('api.js')(values));
    writeFileSync(
      `dist/${name === 'index' ? 'browser' : `browser-${name}`}.js`,
      to('browser-api.js')(values),
    );
  }
}

export default defineConfig([
  {
    // The library and the data-parallel training worker (started by WorkerPool from beside this
    // bundle) share one chunk. ESM only: Node >= 20.19 loads it with require() too.
    entry: { api: 'src/public-api.ts', 'parallel-worker': 'src/parallel/worker.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    splitting: true,
    dts: { entry: { api: 'src/public-api.ts' } },
    // No maps: the output is unminified and readable as it is.
    sourcemap: false,
    // No clean: several processes (tests, benchmarks, the CLI) read dist while turbo rebuilds
    // it; overwriting in place never leaves it missing. Every output name is fixed.
    clean: false,
    external: [tfjsPackages],
    noExternal: [tfjsRegistrations, '@s4/tfjs-wasm-training'],
    esbuildOptions(options) {
      options.chunkNames = 'shared';
    },
    async onSuccess() {
      writeEntries();
    },
  },
  {
    // `@s4/core/onnx`: the ONNX exporter on its own, without tfjs (it works on plain arrays or
    // anything with `dataSync()`), so one build serves Node, browsers and bundlers alike.
    entry: { onnx: 'src/onnx/index.ts' },
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    dts: true,
    sourcemap: false,
    clean: false,
  },
  {
    // Browsers, through a bundler (the "browser" condition): no Node built-ins, and every tfjs
    // import left to the bundler, which resolves tfjs's ESM files and shares them with the app.
    entry: { 'browser-api': 'src/public-api.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: false,
    sourcemap: false,
    clean: false,
    external: [/^@tensorflow\//],
    noExternal: ['@s4/tfjs-wasm-training'],
  },
]);
