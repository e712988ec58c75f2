import { initBackend, summary } from '@s4/core';
import { createModel, DEFAULT_MODEL, getZooModel, modelNames, UnknownModelError } from '@s4/models';
import type { Command } from 'commander';
import { UsageError } from '../errors';

export function register(program: Command): void {
  program
    .command('summary')
    .description('print the torchsummary table of a zoo model')
    .option('-m, --model <name>', `zoo model (${modelNames().join(', ')})`, DEFAULT_MODEL)
    .action(async (options: { model: string }) => {
      let zoo: ReturnType<typeof getZooModel>;
      try {
        zoo = getZooModel(options.model);
      } catch (error) {
        if (error instanceof UnknownModelError) throw new UsageError(error.message);
        throw error;
      }
      await initBackend({ backend: 'wasm' });
      const model = createModel(zoo);
      try {
        process.stdout.write(summary(model, [1, 28, 28]).text);
      } finally {
        model.dispose();
      }
    });
}
