import { resolve } from 'node:path';
import { loadMnist, type MnistSplit, writeFileAtomic } from '@s4/mnist-data';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type DigitArtStyle, digitArt } from '../digit-art';
import { digitPng } from '../digit-png';
import { UsageError } from '../errors';
import { describeSource } from './data-info';

interface ShowOptions {
  split: MnistSplit;
  index: number;
  dir?: string;
  png?: string;
  scale: number;
  style?: DigitArtStyle;
}

function integerIn(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    }
    return n;
  };
}

export function registerDataShow(data: Command): void {
  data
    .command('show')
    .description('Draw one MNIST digit in the terminal, and optionally as a PNG')
    .addOption(
      new Option('--split <split>', 'which split').choices(['train', 'test']).default('test'),
    )
    .addOption(
      new Option('--index <n>', 'which image of the split, from 0')
        .argParser(integerIn(0, Number.MAX_SAFE_INTEGER))
        .default(0),
    )
    .option('--dir <dir>', 'read the IDX files from this folder instead of the usual sources')
    .option('--png <file>', 'also write the digit as a PNG (dark ink on white)')
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
      const digits = await loadMnist({ split, dir: options.dir, limit: index + 1 });
      if (index >= digits.count) {
        throw new UsageError(
          `--index: expected 0–${digits.count - 1} for the ${split} split, found ${index}`,
        );
      }
      const { rows, cols } = digits;
      const pixels = digits.images.subarray(index * rows * cols, (index + 1) * rows * cols);
      // Half blocks need 24-bit colour; terminals announce it in COLORTERM.
      const trueColour =
        process.stdout.isTTY &&
        !process.env.NO_COLOR &&
        /truecolor|24bit/i.test(process.env.COLORTERM ?? '');
      const style = options.style ?? (trueColour ? 'blocks' : 'shades');
      console.log(
        `${split} #${index}: label ${digits.labels[index]} (from ${describeSource(digits.source)})`,
      );
      console.log(digitArt(pixels, rows, cols, style));
      if (options.png !== undefined) {
        const path = resolve(options.png);
        await writeFileAtomic(path, digitPng(pixels, rows, cols, options.scale));
        console.log(`wrote ${path} (${cols * options.scale}×${rows * options.scale} PNG)`);
      }
    });
}
