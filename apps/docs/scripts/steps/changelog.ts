import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import parseChangeset from '@changesets/parse';
import { writeFileAtomic } from '@s4/runtime/node';
import { generatedDir, repoRoot } from '../paths';
import { rebaseRelativeLinks } from './benchmarks';

/**
 * The changelog page: pending changesets (what the next release will say, read with changesets'
 * own parser) followed by each package's released CHANGELOG.md.
 */
export async function writeChangelogPage(): Promise<string> {
  const { pending, unreadable } = await readPendingChangesets();
  const parts: string[] = ['## Unreleased', ''];
  for (const name of unreadable) {
    // `changeset version` would reject it too; say so on the page rather than drop it silently.
    console.warn(`  ! .changeset/${name} has no valid frontmatter; listed as unreadable`);
    parts.push(
      `::: warning\n\`.changeset/${name}\` could not be parsed (missing or invalid frontmatter).\n:::`,
      '',
    );
  }
  if (pending.length === 0) parts.push('_No pending changesets._', '');
  for (const changeset of pending) {
    const packages = changeset.releases.map((r) => `\`${r.name}\` (${r.type})`).join(', ');
    // Summaries are hard-wrapped markdown: keep them whole, indented under their packages.
    const summary = changeset.summary
      .trim()
      .split('\n')
      .map((line) => (line ? `  ${line}` : ''));
    parts.push(`- **${packages}**`, '', ...summary, '');
  }
  parts.push('');
  const packagesDir = join(repoRoot, 'packages');
  let released = 0;
  for (const name of (await readdir(packagesDir)).sort()) {
    const changelog = join(packagesDir, name, 'CHANGELOG.md');
    if (!existsSync(changelog)) continue;
    released++;
    // One level down: the page title is the only `#`, each package's title becomes `##`.
    const text = (await readFile(changelog, 'utf8')).replace(/^(#{1,5}) /gm, '#$1 ');
    parts.push(rebaseRelativeLinks(text), '');
  }
  if (released === 0) parts.push('## Released', '', '_Nothing released yet._', '');
  await writeFileAtomic(join(generatedDir, 'changelog.md'), parts.join('\n'));
  return `${pending.length} pending changesets, ${unreadable.length} unreadable, ${released} package changelogs`;
}

/** Each pending changeset, parsed by changesets' own parser, file by file. */
async function readPendingChangesets() {
  const dir = join(repoRoot, '.changeset');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.md') && n !== 'README.md').sort();
  const pending: ReturnType<typeof parseChangeset>[] = [];
  const unreadable: string[] = [];
  for (const name of names) {
    try {
      pending.push(parseChangeset(await readFile(join(dir, name), 'utf8')));
    } catch {
      unreadable.push(name);
    }
  }
  return { pending, unreadable };
}
