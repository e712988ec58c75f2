import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { buildProgram } from '@s4/cli';
import { writeFileAtomic } from '@s4/runtime/node';
import { escapeMarkdown, generatedDir, repoRoot } from '../paths';

// commander's types, taken from the CLI itself rather than a second copy of commander.
type Command = ReturnType<typeof buildProgram>;
type Help = ReturnType<Command['createHelp']>;

/**
 * The CLI reference, walked from `buildProgram()` — the very command tree `s4` runs — so the
 * page cannot drift from the CLI. It imports the built @s4/cli (turbo builds it before the
 * docs); the CLI's sources pull in tfjs, which plain Node cannot load from source.
 */
export async function writeCliReference(): Promise<string> {
  const built = join(repoRoot, 'packages', 'cli', 'dist', 'index.js');
  if (!existsSync(built)) {
    throw new Error(
      `${built} is missing: build the site through turbo, which builds its packages first (\`pnpm build --filter=@s4/docs...\`)`,
    );
  }
  const { buildProgram } = await import('@s4/cli');
  const program = buildProgram();
  const sections: string[] = [];
  let count = 0;
  const visit = (command: Command, path: string[]) => {
    const help = command.createHelp();
    // The root's own section is the page's introduction.
    if (path.length > 1) {
      sections.push(commandSection(command, help, path));
      count++;
    }
    for (const sub of help.visibleCommands(command)) {
      if (sub.name() === 'help') continue;
      visit(sub, [...path, sub.name()]);
    }
  };
  visit(program, [program.name()]);
  const markdown = [
    rootSection(program),
    count === 0 ? '_No commands are registered yet._\n' : '',
    ...sections,
  ].join('\n');
  await writeFileAtomic(join(generatedDir, 'cli.md'), markdown);
  return `${count} commands → .generated/cli.md`;
}

function rootSection(program: Command): string {
  const help = program.createHelp();
  const commands = help
    .visibleCommands(program)
    .filter((c) => c.name() !== 'help')
    .map(
      (c) =>
        `| [\`${program.name()} ${c.name()}\`](#${anchor([program.name(), c.name()])}) | ${escapeMarkdown(c.summary() || firstLine(c.description()))} |`,
    );
  return [
    `\`${program.name()}\` — ${escapeMarkdown(program.description())}`,
    '',
    commands.length > 0
      ? ['| command | what it does |', '| --- | --- |', ...commands].join('\n')
      : '',
    '',
  ].join('\n');
}

function commandSection(command: Command, help: Help, path: string[]): string {
  const level = '#'.repeat(Math.min(path.length, 4));
  const lines = [`${level} ${path.join(' ')} {#${anchor(path)}}`, ''];
  const description = command.description();
  if (description) lines.push(escapeMarkdown(description), '');
  // commandUsage already names the parent commands (`s4 data info [options]`).
  lines.push('```sh', help.commandUsage(command).trim(), '```', '');
  const args = help.visibleArguments(command);
  if (args.length > 0) {
    lines.push('| argument | description |', '| --- | --- |');
    for (const arg of args) {
      lines.push(
        `| \`${help.argumentTerm(arg)}\` | ${escapeMarkdown(help.argumentDescription(arg)) || '—'} |`,
      );
    }
    lines.push('');
  }
  const options = help.visibleOptions(command);
  if (options.length > 0) {
    lines.push('| option | description |', '| --- | --- |');
    for (const option of options) {
      lines.push(
        `| \`${help.optionTerm(option)}\` | ${escapeMarkdown(help.optionDescription(option)) || '—'} |`,
      );
    }
    lines.push('');
  }
  lines.push(
    '<details><summary>Full <code>--help</code> output</summary>',
    '',
    '```text',
    helpText(command),
    '```',
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}

/** `--help` as a terminal 76 columns wide prints it, whatever terminal runs the build. */
function helpText(command: Command): string {
  command.configureHelp({ ...command.configureHelp(), helpWidth: 76 });
  return command.helpInformation().trimEnd();
}

function anchor(path: string[]): string {
  return path
    .join('-')
    .replace(/[^a-z0-9-]/gi, '')
    .toLowerCase();
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
