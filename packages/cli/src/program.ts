import { Command, CommanderError } from 'commander';

/** Builds the full `s4` command tree; the docs generate the CLI reference from it. */
export function buildProgram(): Command {
  const program = new Command('s4')
    .description('S4: backprop by hand and a tiny MNIST CNN, in TypeScript')
    .version('0.0.0')
    .showHelpAfterError()
    .exitOverride();
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
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
