import { defineConfig } from 'tsup';

// tfjs stays external (a peer dependency): the kernels must register with the application's own
// @tensorflow/tfjs-core, the one its backends and models use.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'es2022',
  platform: 'neutral',
});
