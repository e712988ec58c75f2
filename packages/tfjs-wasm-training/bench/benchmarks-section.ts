import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The markers around one benchmark's section of BENCHMARKS.md. */
export function sectionMarkers(name: string, command: string): { start: string; end: string } {
  return {
    start: `<!-- ${name}:start (written by \`${command}\`; edits inside are overwritten) -->`,
    end: `<!-- ${name}:end -->`,
  };
}

/**
 * `document` with the section between `name`'s markers replaced by `body` (markers kept), or
 * with the section appended when the markers are not there yet. Everything outside is kept.
 */
export function replaceSection(
  document: string,
  name: string,
  command: string,
  body: string,
): string {
  const { start, end } = sectionMarkers(name, command);
  // The start marker is found by its prefix, so a changed command text still replaces it.
  const from = document.indexOf(`<!-- ${name}:start`);
  const to = document.indexOf(end);
  const section = `${start}\n${body.trim()}\n${end}`;
  if (from === -1 && to === -1) return `${document.trimEnd()}\n\n${section}\n`;
  if (from === -1 || to < from) {
    throw new Error(`BENCHMARKS.md: the ${name} markers are broken (a start without an end?)`);
  }
  return document.slice(0, from) + section + document.slice(to + end.length);
}

/** Writes `body` into `file`'s section (the file replaced atomically: never half-written). */
export function writeSection(file: string, name: string, command: string, body: string): void {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next = replaceSection(previous, name, command, body);
  writeFileSync(`${file}.tmp`, next);
  renameSync(`${file}.tmp`, file);
}
