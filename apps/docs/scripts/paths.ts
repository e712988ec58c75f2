import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/docs */
export const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The monorepo root. */
export const repoRoot = resolve(docsRoot, '../..');
/** Generated markdown and data pulled into pages with `<!--@include: …-->` or imports. */
export const generatedDir = join(docsRoot, '.generated');
/** Generated static files served by the site under `/generated/`. */
export const publicGeneratedDir = join(docsRoot, 'public', 'generated');

/** Where the repository's files are browsable, for links out of generated pages. */
export const repoBlobUrl = 'https://github.com/s4-ml/s4/blob/main/';

/** Escapes text for a markdown table cell or paragraph that VitePress compiles as a Vue template. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\{\{/g, '&#123;&#123;');
}
