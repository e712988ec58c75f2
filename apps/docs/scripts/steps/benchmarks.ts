import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BenchSpeed,
  speedDataFromBench,
  type TrainingSpeedData,
} from '../../src/benchmark-charts';
import { writeFileAtomic } from '@s4/runtime/node';
import { docsRoot, generatedDir, publicGeneratedDir, repoBlobUrl, repoRoot } from '../paths';

/**
 * The speed chart's numbers: bench/results/speed.json once `pnpm bench` has written it, else
 * data/training-speed.json (the figures of BENCHMARKS.md before speed.json existed).
 */
export async function trainingSpeedData(): Promise<{ data: TrainingSpeedData; from: string }> {
  const bench = join(repoRoot, 'bench', 'results', 'speed.json');
  if (existsSync(bench)) {
    const json = JSON.parse(await readFile(bench, 'utf8')) as BenchSpeed;
    return { data: speedDataFromBench(json), from: 'bench/results/speed.json' };
  }
  const fallback = join(docsRoot, 'data', 'training-speed.json');
  return {
    data: JSON.parse(await readFile(fallback, 'utf8')),
    from: 'apps/docs/data/training-speed.json',
  };
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
  await writeFileAtomic(
    join(publicGeneratedDir, 'training-speed.json'),
    `${JSON.stringify(speed.data)}\n`,
  );
  const markdown = withSpeedChart(rebaseRelativeLinks(await readFile(source, 'utf8')));
  // The page has its own title; the file's first heading would duplicate it.
  await writeFileAtomic(target, demoteHeadings(markdown.replace(/^# .*\n+/, '')));
  return `BENCHMARKS.md → .generated/benchmarks.md, chart from ${speed.from}`;
}

const SPEED_CHART = '<TrainingSpeedChart />';

/**
 * The page draws the training-speed chart with Vega-Lite from data/training-speed.json: in place
 * of BENCHMARKS.md's Mermaid chart if it has one, else after the first table.
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
