import { defineConfig } from 'vitest/config';

// Tests run against sibling packages' sources (the "@s4/source" export condition), so no build
// is needed between editing a package and testing its dependents.
export const sharedConfig = defineConfig({
  resolve: { conditions: ['@s4/source'] },
  ssr: { resolve: { conditions: ['@s4/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // Browser and server set-up in beforeAll waits on a machine that CI loads with every package's tests at once.
    hookTimeout: 300_000,
    server: {
      deps: {
        // tfjs-core's dist uses extensionless ESM imports that plain Node cannot resolve.
        inline: [/@tensorflow\//],
      },
    },
  },
});
