import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@s4/runtime/node';
import {
  type BenchSpeed,
  speedDataFromBench,
  type TrainingSpeedData,
} from '../../src/benchmark-charts';
import { generatedDir, publicGeneratedDir, repoBlobUrl, repoRoot } from '../paths';

/** Where `pnpm bench` writes the figures of BENCHMARKS.md's speed table. */
export const SPEED_JSON = join('bench', 'results', 'speed.json');

/** The speed chart's numbers, from bench/results/speed.json; undefined until `pnpm bench` wrote it. */
export async function trainingSpeedData(): Promise<TrainingSpeedData | undefined> {
  const file = join(repoRoot, SPEED_JSON);
  if (!existsSync(file)) return undefined;
  return speedDataFromBench(JSON.parse(await readFile(file, 'utf8')) as BenchSpeed);
}

/** The benchmarks page body, from the root BENCHMARKS.md (written by the benchmark scripts). */
export async function writeBenchmarksPage(): Promise<string> {
  const source = join(repoRoot, 'BENCHMARKS.md');
  const target = join(generatedDir, 'benchmarks.md');
  if (!existsSync(source)) {
    await writeFileAtomic(
      target,
      '::: info No numbers yet\nThe repository has no `BENCHMARKS.md` yet: it is written by the benchmark scripts (`pnpm turbo run bench`). This page shows it once it exists.\n:::\n',
    );
    return 'BENCHMARKS.md not found: placeholder';
  }
  const speed = await trainingSpeedData();
  let markdown = rebaseRelativeLinks(await readFile(source, 'utf8'));
  if (speed !== undefined) {
    await writeFileAtomic(
      join(publicGeneratedDir, 'training-speed.json'),
      `${JSON.stringify(speed)}\n`,
    );
    markdown = withSpeedChart(markdown);
  }
  // The page has its own title; the file's first heading would duplicate it.
  await writeFileAtomic(target, demoteHeadings(markdown.replace(/^# .*\n+/, '')));
  return speed === undefined
    ? `BENCHMARKS.md → .generated/benchmarks.md, no chart (${SPEED_JSON} not written yet)`
    : `BENCHMARKS.md → .generated/benchmarks.md, chart from ${SPEED_JSON}`;
}

const SPEEDRUN_START = '<!-- speedrun:start';
const SPEEDRUN_END = '<!-- speedrun:end -->';

/**
 * The speedrun's result as `pnpm speedrun` last wrote it into BENCHMARKS.md (between its
 * markers): the command, the machine, one row per seed, the means. Undefined without markers.
 */
export function speedrunSection(markdown: string): string | undefined {
  const start = markdown.indexOf(SPEEDRUN_START);
  const end = start === -1 ? -1 : markdown.indexOf(SPEEDRUN_END, start);
  if (end === -1) return undefined;
  return markdown.slice(markdown.indexOf('\n', start) + 1, end).trim();
}

/** The model zoo page shows the speedrun table from the same file as the benchmarks page. */
export async function writeSpeedrunSnippet(): Promise<string> {
  const source = join(repoRoot, 'BENCHMARKS.md');
  const target = join(generatedDir, 'speedrun.md');
  const section = existsSync(source) ? speedrunSection(await readFile(source, 'utf8')) : undefined;
  if (section === undefined) {
    await writeFileAtomic(
      target,
      '::: info No speedrun yet\n`pnpm speedrun` writes its table into `BENCHMARKS.md`; it shows here once it has run.\n:::\n',
    );
    return 'no speedrun table in BENCHMARKS.md: placeholder';
  }
  await writeFileAtomic(target, `${rebaseRelativeLinks(section)}\n`);
  return 'BENCHMARKS.md speedrun table → .generated/speedrun.md';
}

const SPEED_CHART = '<TrainingSpeedChart />';

/**
 * The page draws the training-speed chart with Vega-Lite from bench/results/speed.json: in place
 * of a Mermaid chart if BENCHMARKS.md has one, else after its first table (the speed table).
 */
export function withSpeedChart(markdown: string): string {
  const mermaid = /^```mermaid\n[\s\S]*?^```$/gm;
  if (mermaid.test(markdown)) return markdown.replace(mermaid, SPEED_CHART);
  const lines = markdown.split('\n');
  const tableStart = lines.findIndex((line) => line.startsWith('|'));
  if (tableStart === -1) return `${markdown.trimEnd()}\n\n${SPEED_CHART}\n`;
  let end = tableStart;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  lines.splice(end, 0, '', SPEED_CHART);
  return lines.join('\n');
}

/** Links relative to the repository root would be dead on the site: point them at the repo. */
export function rebaseRelativeLinks(markdown: string, base = repoBlobUrl): string {
  return markdown.replace(/(!?\[[^\]]*\]\()(?!https?:|#|mailto:)([^)\s]+)\)/g, (_, head, href) => {
    return `${head}${base}${href.replace(/^\.\//, '')})`;
  });
}

/** Keeps the page's own `#` title the only top-level heading (other levels stay as written). */
function demoteHeadings(markdown: string): string {
  let inFence = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (line.startsWith('```')) inFence = !inFence;
      return !inFence && line.startsWith('# ') ? `#${line}` : line;
    })
    .join('\n');
}
