import { DEFAULT_MODEL } from '@s4/models';
import type { Command } from 'commander';
import { checkReport, formatCheckReport } from '../check-report';
import { MODEL_OPTION_HELP, resolveModel } from '../model-choice';

export function register(program: Command): void {
  program
    .command('check')
    .description(
      'check a network before training it: the torchsummary table with receptive field, jump and multiply-adds per layer, the constraint checklist and a verdict',
    )
    .option('-m, --model <name|file>', MODEL_OPTION_HELP, DEFAULT_MODEL)
    .option('--json', 'print the report as JSON')
    .action(async (options: { model: string; json?: boolean }) => {
      const report = checkReport(await resolveModel(options.model));
      process.stdout.write(
        options.json ? `${JSON.stringify(report, null, 2)}\n` : formatCheckReport(report),
      );
    });
}
