import { CoreError } from '@s4/core';
import { MnistDataError } from '@s4/mnist-data';
import { Command, CommanderError } from 'commander';
import { register as registerBackprop } from './commands/backprop';
import { register as registerBench } from './commands/bench';
import { register as registerCheck } from './commands/check';
import { register as registerCompare } from './commands/compare';
import { register as registerData } from './commands/data';
import { register as registerEvaluate } from './commands/evaluate';
import { register as registerExport } from './commands/export';
import { register as registerModels } from './commands/models';
import { register as registerPredict } from './commands/predict';
import { register as registerSummary } from './commands/summary';
import { register as registerTrain } from './commands/train';
import { errorLine } from './error-line';
import { UsageError } from './errors';
import { VERSION } from './version';

/**
 * Each command lives in `src/commands/<name>.ts` and exports `register(program)`; this list is
 * the one place that knows them all (the docs generate the CLI reference from `buildProgram()`).
 */
const registrars: Array<(program: Command) => void> = [
  registerBackprop,
  registerData,
  registerTrain,
  registerEvaluate,
  registerPredict,
  registerExport,
  registerSummary,
  registerCheck,
  registerCompare,
  registerModels,
  registerBench,
];

/** Builds the full `s4` command tree. */
export function buildProgram(): Command {
  const program = new Command('s4')
    .description('S4: backprop by hand and a tiny MNIST CNN, in TypeScript')
    .version(VERSION)
    .exitOverride();
  for (const register of registrars) register(program);
  usageAfterErrors(program, []);
  return program;
}

/**
 * After a usage error every command prints its usage line and where the full help is, as
 * argparse does, rather than the whole help.
 */
function usageAfterErrors(command: Command, parents: string[]): void {
  const name = [...parents, command.name()].join(' ');
  command.showHelpAfterError(
    `Usage: ${name} ${command.usage()}\nRun '${name} --help' for the options.`,
  );
  for (const sub of command.commands) usageAfterErrors(sub, [...parents, command.name()]);
}

/**
 * Whether an error from a library means the input was bad (a file or an argument), not that s4
 * or the network failed: such errors exit with 2, like bad usage, whichever command met them.
 */
function isBadInput(error: unknown): boolean {
  // Every mirror failing is the network's fault, not the input's.
  if (error instanceof MnistDataError) return error.code !== 'ALL_MIRRORS_FAILED';
  return error instanceof CoreError && !['NON_FINITE_LOSS', 'WORKER_FAILED'].includes(error.code);
}

/**
 * Runs the CLI and resolves to the exit code: 0 ok, 1 failure, 2 bad usage or bad input
 * (arguments, files), 128 + the signal's number when training was stopped by one
 * (130 Ctrl-C, 143 SIGTERM, 141 a closed output pipe) after saving a checkpoint.
 */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    // A command may end with a non-zero status without failing (e.g. 130: training interrupted).
    return Number(process.exitCode ?? 0);
  } catch (error) {
    if (error instanceof CommanderError) {
      // `s4 --help` succeeds; `s4` (or `s4 data`) without a command prints the help and fails
      // with 1, like npm and turbo; any other usage error is 2.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      return error.code === 'commander.help' ? 1 : 2;
    }
    if (error instanceof UsageError || isBadInput(error)) {
      console.error(errorLine((error as Error).message));
      return 2;
    }
    console.error(errorLine(error instanceof Error ? error.message : String(error)));
    return 1;
  }
}
