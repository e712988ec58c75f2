import { stat } from 'node:fs/promises';
import {
  type BackpropConfig,
  BackpropInputError,
  type BackpropRun,
  resolveConfig,
  runBackprop,
} from '@s4/backprop-sheet';
import {
  OUTPUT_FORMATS,
  type OutputFormat,
  renderOutputFiles,
  writeOutputFiles,
} from '@s4/backprop-sheet/node';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { describeFsError, makeFolder, removeCreated } from '../output-folder';
import { plural } from '../plural';

interface BackpropOptions {
  lr?: string;
  iterations?: string;
  inputs?: string;
  targets?: string;
  weights?: string;
  biases?: string;
  format: string;
  out: string;
}

// Plain decimal numbers only: Number() alone would also take '', '0x1f' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function numberList(option: string, text: string): number[] {
  return text.split(',').map((part) => {
    const trimmed = part.trim();
    if (!DECIMAL.test(trimmed)) {
      throw new UsageError(
        `${option}: expected comma-separated numbers, found "${part}" in "${text}"`,
      );
    }
    return Number(trimmed);
  });
}

const OPTION_OF: Record<string, string> = {
  learningRates: '--lr',
  iterations: '--iterations',
  inputs: '--inputs',
  targets: '--targets',
  weights: '--weights',
  biases: '--biases',
};

/** Parses and validates every option, so nothing is written when any of them is wrong. */
export function parseBackpropOptions(options: BackpropOptions): {
  config: BackpropConfig;
  formats: OutputFormat[];
} {
  const partial: Record<string, unknown> = {};
  if (options.lr !== undefined) partial.learningRates = numberList('--lr', options.lr);
  if (options.iterations !== undefined) {
    const [iterations, ...rest] = numberList('--iterations', options.iterations);
    if (rest.length > 0) {
      throw new UsageError(
        `--iterations: expected one whole number, found "${options.iterations}"`,
      );
    }
    partial.iterations = iterations;
  }
  for (const key of ['inputs', 'targets', 'weights', 'biases'] as const) {
    const text = options[key];
    if (text !== undefined) partial[key] = numberList(`--${key}`, text);
  }
  let config: BackpropConfig;
  try {
    config = resolveConfig(partial as Partial<BackpropConfig>);
  } catch (error) {
    if (!(error instanceof BackpropInputError)) throw error;
    const [field = '', index] = error.argument.split('[');
    const option = OPTION_OF[field] ?? error.argument;
    const where =
      index === undefined ? option : `${option} value ${Number.parseInt(index, 10) + 1}`;
    throw new UsageError(`${where}: expected ${error.expected}, found ${error.found}`);
  }
  const formats = [...new Set(options.format.split(',').map((f) => f.trim()))];
  for (const format of formats) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(
        `--format: expected some of ${OUTPUT_FORMATS.join(',')}, found "${format}" in "${options.format}"`,
      );
    }
  }
  return { config, formats: formats as OutputFormat[] };
}

function fixed(value: number, digits: number, width: number): string {
  return value.toFixed(digits).padStart(width);
}

/** First and last row per rate, the way a student would check their sheet. */
export function compactTable(runs: readonly BackpropRun[]): string {
  const lines = [
    `${'η'.padStart(6)}  ${'iteration'.padStart(9)}  ${'E_total'.padStart(12)}  ${'a_o1'.padStart(10)}  ${'a_o2'.padStart(10)}  ${'w1'.padStart(10)}  ${'w5'.padStart(10)}`,
  ];
  for (const run of runs) {
    for (const row of [run.rows[0]!, run.rows[run.rows.length - 1]!]) {
      lines.push(
        [
          String(run.learningRate).padStart(6),
          String(row.iteration).padStart(9),
          fixed(row.E_total, 9, 12),
          fixed(row.a_o1, 6, 10),
          fixed(row.a_o2, 6, 10),
          fixed(row.w1, 6, 10),
          fixed(row.w5, 6, 10),
        ].join('  '),
      );
    }
  }
  lines.push('', 'final E_total by learning rate:');
  for (const run of runs) {
    lines.push(
      `  η = ${String(run.learningRate).padEnd(6)} ${fixed(run.rows[run.rows.length - 1]!.E_total, 9, 12)}`,
    );
  }
  return lines.join('\n');
}

async function backprop(options: BackpropOptions): Promise<void> {
  const { config, formats } = parseBackpropOptions(options);
  const existing = await stat(options.out).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new UsageError(`--out: expected a folder, found a file at ${options.out}`);
  }
  const runs = runBackprop(config);
  // Everything is rendered in memory first: a failure leaves the folder untouched.
  const files = await renderOutputFiles(config, formats, runs);
  console.log(compactTable(runs));
  const created = await makeFolder(options.out, '--out');
  try {
    await writeOutputFiles(options.out, files);
  } catch (error) {
    await removeCreated(created, options.out);
    throw new UsageError(`--out ${options.out}: cannot write its files: ${describeFsError(error)}`);
  }
  console.log(
    `\nwrote ${plural(files.size, 'file')} to ${options.out}: ${[...files.keys()].join(', ')}`,
  );
}

export function register(program: Command): void {
  program
    .command('backprop')
    .description(
      'Backpropagation by hand on the 2-2-2 sigmoid network: one table per learning rate as CSV, a live .xlsx workbook (formulas + charts), JSON, Markdown and E_total-vs-iteration charts',
    )
    .option('--lr <rates>', 'learning rates, comma-separated (default 0.1,0.2,0.5,0.8,1,2)')
    .option('--iterations <n>', 'gradient steps per learning rate (default 100)')
    .option('--inputs <i1,i2>', 'inputs (default 0.05,0.1)')
    .option('--targets <t1,t2>', 'targets (default 0.01,0.99)')
    .option('--weights <w1,…,w8>', 'initial weights (default 0.15,0.2,0.25,0.3,0.4,0.45,0.5,0.55)')
    .option('--biases <b1,b2>', 'hidden and output bias, held fixed (default 0,0: no bias)')
    .option(
      '--format <list>',
      `outputs to write, from ${OUTPUT_FORMATS.join(',')}`,
      OUTPUT_FORMATS.join(','),
    )
    .option('--out <dir>', 'folder for the files', 'backprop-output')
    .action(backprop);
}
