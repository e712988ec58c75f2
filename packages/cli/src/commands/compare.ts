import { join } from 'node:path';
import type { Command } from 'commander';
import { overlaidRunsChart, renderSvg } from '../charts';
import { comparisonMarkdown, comparisonTable, readRuns, winnerLine } from '../run-comparison';
import { RunFolder } from '../run-folder';

const timestamp = () =>
  new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');

export function register(program: Command): void {
  program
    .command('compare')
    .description(
      'compare training runs: a table (model, params, final/best accuracy, epochs, wall time) and their loss/accuracy curves overlaid (SVG and PNG)',
    )
    .argument('<runs...>', 'run folders of s4 train (a --seeds folder counts each seed)')
    .option(
      '-o, --out <dir>',
      'where compare.md, compare.json and compare-curves.svg/png go (default runs/compare-<timestamp>)',
    )
    .option('--overwrite', 'replace the content of a non-empty --out folder')
    .option('--json', 'print the comparison as JSON (the files are written all the same)')
    .action(
      async (dirs: string[], options: { out?: string; overwrite?: boolean; json?: boolean }) => {
        // Every run is read before anything is written: a bad folder leaves no half comparison.
        const runs = await readRuns(dirs);
        const folder = await RunFolder.open(options.out ?? join('runs', `compare-${timestamp()}`), {
          mode: 'new',
          overwrite: options.overwrite,
          flag: '--out',
        });
        try {
          await folder.writeText('compare.json', `${JSON.stringify(runs, null, 2)}\n`);
          await folder.writeText('compare.md', comparisonMarkdown(runs));
          await folder.writeImage(
            'compare-curves',
            renderSvg(
              overlaidRunsChart(
                runs.map((r) => ({ label: `${r.label} (${r.model})`, metrics: r.metrics })),
                winnerLine(runs),
              ),
            ),
          );
          await folder.close();
        } catch (error) {
          await folder.abandon();
          throw error;
        }
        if (options.json) {
          process.stdout.write(`${JSON.stringify(runs)}\n`);
          return;
        }
        process.stdout.write(
          `${comparisonTable(runs)}\n\n${winnerLine(runs)}\nCurves and table: ${join(folder.dir, 'compare.md')}, ${join(folder.dir, 'compare-curves.svg')} (and .png)\n`,
        );
      },
    );
}
