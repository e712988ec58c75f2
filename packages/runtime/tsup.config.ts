import { defineConfig } from 'tsup';

export default defineConfig({
  // index is platform-neutral (no Node built-ins); node holds the file-system helpers.
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: false,
  target: 'es2022',
  platform: 'neutral',
});
