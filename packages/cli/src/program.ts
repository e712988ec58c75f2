import { Command, CommanderError } from 'commander';
import { register as registerBackprop } from './commands/backprop';
import { register as registerData } from './commands/data';
import { UsageError } from './errors';

/**
 * Each command lives in `src/commands/<name>.ts` and exports `register(program)`; this list is
 * the one place that knows them all (the docs generate the CLI reference from `buildProgram()`).
 */
const registrars: Array<(program: Command) => void> = [registerBackprop, registerData];

/** Builds the full `s4` command tree. */
export function buildProgram(): Command {
  const program = new Command('s4')
    .description('S4: backprop by hand and a tiny MNIST CNN, in TypeScript')
    .version('0.0.0')
    .showHelpAfterError()
    .exitOverride();
  for (const register of registrars) register(program);
  return program;
}

/** Runs the CLI and resolves to the exit code: 0 ok, 1 failure, 2 bad usage. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      return ok.includes(error.code) ? 0 : 2;
    }
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
