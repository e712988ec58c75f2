import { initBackend, summary } from '@s4/core';
import { createModel, DEFAULT_MODEL } from '@s4/models';
import type { Command } from 'commander';
import { MODEL_OPTION_HELP, resolveModel } from '../model-choice';

export function register(program: Command): void {
  program
    .command('summary')
    .description('print the torchsummary table of a zoo model or a model file')
    .option('-m, --model <name|file>', MODEL_OPTION_HELP, DEFAULT_MODEL)
    .action(async (options: { model: string }) => {
      const zoo = await resolveModel(options.model);
      await initBackend({ backend: 'wasm' });
      const model = createModel(zoo);
      try {
        process.stdout.write(summary(model, [1, 28, 28]).text);
      } finally {
        model.dispose();
      }
    });
}
