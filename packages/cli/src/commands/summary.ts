import { initBackend, summary } from '@s4/core';
import { createModel, DEFAULT_MODEL } from '@s4/models';
import type { Command } from 'commander';
import { MODEL_OPTION_HELP, resolveModel } from '../model-choice';

export function register(program: Command): void {
  program
    .command('summary')
    .description('print the torchsummary table of a zoo model or a model file')
    .option('-m, --model <name|file>', MODEL_OPTION_HELP, DEFAULT_MODEL)
    .option(
      '--json',
      'print the table as JSON: {"model","inputSize","rows":[{"name","outputShape","params","trainable"}],"totalParams",…,"estimatedTotalSizeMB"}',
    )
    .action(async (options: { model: string; json?: boolean }) => {
      const zoo = await resolveModel(options.model);
      await initBackend({ backend: 'wasm' });
      const model = createModel(zoo);
      const inputSize = [1, 28, 28];
      try {
        const { text, ...table } = summary(model, inputSize);
        process.stdout.write(
          options.json ? `${JSON.stringify({ model: zoo.name, inputSize, ...table })}\n` : text,
        );
      } finally {
        model.dispose();
      }
    });
}
