import { resolve } from 'node:path';
import { loadMnist, type MnistSplit } from '@s4/mnist-data';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { PNG } from 'pngjs';
import { type DigitArtStyle, digitArt, digitArtRow } from '../digit-art';
import { digitGridPng } from '../digit-png';
import { UsageError } from '../errors';
import { writeOutputFile } from '../output-file';
import { describeSource } from './data-info';

interface ShowOptions {
  split: MnistSplit;
  index: number;
  dir?: string;
  png?: string;
  scale: number;
  count: number;
  style?: DigitArtStyle;
}

function integerIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

export function registerDataShow(data: Command): void {
  data
    .command('show')
    .description('Draw MNIST digits in the terminal with their labels, and optionally as a PNG')
    .addOption(
      new Option('--split <split>', 'which split').choices(['train', 'test']).default('test'),
    )
    .addOption(
      new Option('--index <n>', 'which image of the split, from 0')
        .argParser(integerIn(0, Number.MAX_SAFE_INTEGER))
        .default(0),
    )
    .addOption(
      new Option('--count <n>', 'how many consecutive images to show, side by side')
        .argParser(integerIn(1, 100))
        .default(1),
    )
    .option('--dir <dir>', 'read the IDX files from this folder instead of the usual sources')
    .option('--png <file>', 'also write the digits as a PNG grid, 10 across (dark ink on white)')
    .addOption(
      new Option('--scale <n>', 'PNG pixels per MNIST pixel')
        .argParser(integerIn(1, 64))
        .default(8),
    )
    .addOption(
      new Option(
        '--style <style>',
        'terminal drawing: shades (plain text) or blocks (half blocks in 24-bit gray); default blocks when COLORTERM says truecolor',
      ).choices(['shades', 'blocks']),
    )
    .action(async (options: ShowOptions) => {
      const { split, index } = options;
      const { count } = options;
      const digits = await loadMnist({ split, dir: options.dir, limit: index + count });
      if (index >= digits.count) {
        throw new UsageError(
          `--index: expected 0–${digits.count - 1} for the ${split} split, found ${index}`,
        );
      }
      if (index + count > digits.count) {
        throw new UsageError(
          `--count: expected at most ${digits.count - index} from index ${index} of the ${split} split, found ${count}`,
        );
      }
      const { rows, cols } = digits;
      const pick = (i: number) => digits.images.subarray(i * rows * cols, (i + 1) * rows * cols);
      // Half blocks need 24-bit colour; terminals announce it in COLORTERM.
      const trueColour =
        process.stdout.isTTY &&
        !process.env.NO_COLOR &&
        /truecolor|24bit/i.test(process.env.COLORTERM ?? '');
      const style = options.style ?? (trueColour ? 'blocks' : 'shades');
      const from = `(from ${describeSource(digits.source)})`;
      const shown = Array.from({ length: count }, (_, k) => index + k);
      if (count === 1) {
        console.log(`${split} #${index}: label ${digits.labels[index]} ${from}`);
        console.log(digitArt(pick(index), rows, cols, style));
      } else {
        console.log(`${split} #${index}–#${index + count - 1} ${from}`);
        const width = process.stdout.columns ?? 120;
        console.log(
          digitArtRow(
            shown.map((i) => ({ caption: `#${i}: ${digits.labels[i]}`, pixels: pick(i) })),
            rows,
            cols,
            style,
            width,
          ),
        );
      }
      if (options.png !== undefined) {
        const path = resolve(options.png);
        const columns = Math.min(count, 10);
        const png = digitGridPng(shown.map(pick), rows, cols, options.scale, columns);
        await writeOutputFile(path, png, '--png');
        const { width, height } = PNG.sync.read(png);
        console.log(`wrote ${path} (${width}×${height} PNG)`);
      }
    });
}
