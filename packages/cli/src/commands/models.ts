import { checkConstraints, describeRecipe, paramCount, shippedRun, ZOO } from '@s4/models';
import type { Command } from 'commander';
import { plural } from '../plural';

export function register(program: Command): void {
  program
    .command('models')
    .description('list the model zoo: parameters, constraint checklist, recipe, shipped accuracy')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await Promise.all(
        ZOO.map(async (model) => ({
          name: model.name,
          title: model.title,
          params: paramCount(model.architecture),
          constraints: checkConstraints(model.architecture),
          recipe: model.recipe,
          reference: model.reference ?? null,
          shipped: (await shippedRun(model.name)) ?? null,
        })),
      );
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      for (const row of rows) {
        const passed = row.constraints.filter((c) => c.passed).length;
        const lines = [
          `${row.name} — ${row.title}`,
          `  params: ${row.params.toLocaleString('en-US')}`,
          `  constraints: ${passed}/${row.constraints.length} met`,
          ...row.constraints.map(
            (c) => `    ${c.passed ? '✓' : '✗'} ${c.requirement} (${c.found})`,
          ),
          `  recipe: ${describeRecipe(row.recipe)}`,
          row.shipped
            ? `  shipped weights: ${row.shipped.finalAccuracy.toFixed(2)}% test accuracy after ${plural(row.shipped.epochs, 'epoch')} (best ${row.shipped.bestAccuracy.toFixed(2)}%)`
            : '  shipped weights: none yet',
          ...(row.reference
            ? [
                `  reference: ${row.reference.bestAccuracy.toFixed(2)}% best (${row.reference.source})`,
              ]
            : []),
        ];
        process.stdout.write(`${lines.join('\n')}\n\n`);
      }
    });
}
