import { evaluate } from '@s4/core';
import { loadMnist } from '@s4/mnist-data';
import type { Command } from 'commander';
import { integerAtLeast, oneOf } from '../cli-options';
import { loadInferenceModel, modelChoiceOptions } from '../inference-model';
import { percent } from '../percent';

interface EvaluateCommandOptions {
  model?: string;
  checkpoint?: string;
  limit?: number;
  json?: boolean;
  backend: 'wasm' | 'cpu';
}

export function register(program: Command): void {
  const [model, checkpoint] = modelChoiceOptions();
  program
    .command('evaluate')
    .description('evaluate a model on the MNIST test set (shipped weights or a checkpoint)')
    .addOption(model)
    .addOption(checkpoint)
    .option('--limit <n>', 'only the first N test images', integerAtLeast(1))
    .option(
      '--json',
      'print {"model","params","count","correct","accuracy","loss"} (accuracy in percent)',
    )
    .option('--backend <name>', 'wasm or cpu', oneOf(['wasm', 'cpu'] as const), 'wasm')
    .action(async (options: EvaluateCommandOptions) => {
      const loaded = await loadInferenceModel(options);
      try {
        const test = await loadMnist({ split: 'test', limit: options.limit });
        const result = await evaluate(loaded.model, test, { normalization: loaded.normalization });
        const report = {
          model: loaded.name,
          params: loaded.model.numParameters(),
          count: result.total,
          correct: result.correct,
          accuracy: percent(result.accuracy),
          loss: result.loss,
        };
        if (options.json) {
          process.stdout.write(`${JSON.stringify(report)}\n`);
          return;
        }
        const perClass = result.perClassAccuracy
          .map((a, digit) => `${digit}: ${Number.isNaN(a) ? '–' : `${(100 * a).toFixed(1)}%`}`)
          .join('  ');
        process.stdout.write(
          [
            `${report.model} (${report.params.toLocaleString('en-US')} params) on ${report.count} MNIST test images`,
            `Test set: Average loss: ${report.loss.toFixed(4)}, Accuracy: ${report.correct}/${report.count} (${report.accuracy.toFixed(2)}%)`,
            `Per digit: ${perClass}`,
            '',
          ].join('\n'),
        );
      } finally {
        loaded.model.dispose();
      }
    });
}
