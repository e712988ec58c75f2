import { defineConfig } from 'tsup';

export default defineConfig({
  // index is platform-neutral (pure string building); node holds the native PNG rasteriser.
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['@resvg/resvg-js'],
});
