import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared';

export default mergeConfig(sharedConfig, {
  test: {
    // One browser and one static server per file; the files share the 2 CPU cores with others.
    fileParallelism: false,
  },
});
