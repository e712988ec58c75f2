import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type BackpropConfig,
  COLUMNS,
  columnLetter,
  DEFAULT_CONFIG,
  type IterationRow,
  iterate,
  iterationRow,
  networkOf,
  type PARAMETERS,
  parameterCell,
  runBackprop,
  SUMMARY_SHEET,
  summarySeriesHeaderRow,
  toXlsx,
} from '../src/index';
import { recalculateWithLibreOffice } from './libreoffice';
import { readWorkbook, type Workbook } from './xlsx-reader';

// The real spreadsheet engine recomputes the workbook: every value must match the TypeScript
// engine to 1e-9, first as written, then after editing input cells as a student would.
const TOLERANCE = 1e-9;
const config = DEFAULT_CONFIG;
const runs = runBackprop(config);
const original = toXlsx(config, runs);

/** Overwrites one parameter cell of one sheet (sheetN = N-th sheet), leaving caches stale. */
function setParameter(
  bytes: Uint8Array,
  sheetIndex: number,
  name: (typeof PARAMETERS)[number],
  value: number,
) {
  const zip = unzipSync(bytes);
  const path = `xl/worksheets/sheet${sheetIndex + 1}.xml`;
  const ref = parameterCell(name).replaceAll('$', '');
  const xml = strFromU8(zip[path]!);
  const pattern = new RegExp(`(<c r="${ref}"[^>]*><v>)[^<]*(</v>)`);
  expect(xml).toMatch(pattern);
  zip[path] = strToU8(xml.replace(pattern, `$1${value}$2`));
  return zipSync(zip);
}

// Edits: sheet 'lr-0.5' gets w1 = 0.3; 'lr-2' gets η = 1.5; 'lr-0.1' gets biases 0.35/0.6.
let edited = setParameter(original, 3, 'w1', 0.3);
edited = setParameter(edited, 6, 'eta', 1.5);
edited = setParameter(edited, 1, 'b1', 0.35);
edited = setParameter(edited, 1, 'b2', 0.6);

let recalculated: Workbook;
let recalculatedEdited: Workbook;
let recalculatedCharts: Map<string, string[]>;

/** Sheet name → the cell ranges its chart plots, following sheet → drawing → chart parts. */
function chartRanges(bytes: Uint8Array): Map<string, string[]> {
  const zip = unzipSync(bytes);
  const text = (path: string) => strFromU8(zip[path] ?? new Uint8Array());
  const unescapeXml = (xml: string) => xml.replaceAll('&apos;', "'").replaceAll('&quot;', '"');
  const target = (rels: string) => /Target="([^"]+)"/.exec(text(rels))?.[1]?.split('/').pop();
  const workbookRels = text('xl/_rels/workbook.xml.rels');
  const ranges = new Map<string, string[]>();
  for (const m of text('xl/workbook.xml').matchAll(
    /<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g,
  )) {
    const sheetFile = new RegExp(`Id="${m[2]}"[^>]*Target="[^"]*?([^/"]+)"`).exec(
      workbookRels,
    )?.[1];
    const drawing = sheetFile && target(`xl/worksheets/_rels/${sheetFile}.rels`);
    const chart = drawing && target(`xl/drawings/_rels/${drawing}.rels`);
    const xml = chart ? text(`xl/charts/${chart}`) : '';
    ranges.set(
      m[1]!,
      [...xml.matchAll(/<c:f>([^<]*)<\/c:f>/g)].map((f) => unescapeXml(f[1]!)),
    );
  }
  return ranges;
}

beforeAll(() => {
  const out = recalculateWithLibreOffice({ original, edited });
  recalculated = readWorkbook(out.original!).sheets;
  recalculatedCharts = chartRanges(out.original!);
  recalculatedEdited = readWorkbook(out.edited!).sheets;
}, 300_000); // soffice takes seconds to start, more on a busy machine

let largestDifference = 0;
afterAll(() => {
  console.log(`largest |LibreOffice − TypeScript| over all cells: ${largestDifference}`);
});

/** Compares every table cell of a sheet with the engine's rows; returns the cells compared. */
function expectSheetMatches(
  workbook: Workbook,
  sheet: string,
  rows: readonly IterationRow[],
): number {
  const cells = workbook.get(sheet);
  expect(cells, `sheet ${sheet}`).toBeDefined();
  let compared = 0;
  for (const row of rows) {
    COLUMNS.forEach((column, k) => {
      const ref = `${columnLetter(k)}${iterationRow(row.iteration)}`;
      const value = cells!.get(ref)?.value;
      expect(typeof value, `${sheet}!${ref} (${column}, iteration ${row.iteration})`).toBe(
        'number',
      );
      const difference = Math.abs((value as number) - row[column]);
      largestDifference = Math.max(largestDifference, difference);
      if (difference > TOLERANCE) {
        expect.fail(
          `${sheet}!${ref} (${column}, iteration ${row.iteration}): LibreOffice ${value}, TypeScript ${row[column]}`,
        );
      }
      compared++;
    });
  }
  return compared;
}

function rowsFor(changes: Partial<BackpropConfig>, learningRate: number): IterationRow[] {
  return iterate(networkOf({ ...config, ...changes }), learningRate, config.iterations);
}

describe('LibreOffice Calc recalculates the workbook', () => {
  test('every value as written matches the TypeScript engine to 1e-9', () => {
    let compared = 0;
    for (const run of runs)
      compared += expectSheetMatches(recalculated, `lr-${run.learningRate}`, run.rows);
    expect(compared).toBe(6 * 101 * 32);
    const summary = recalculated.get(SUMMARY_SHEET)!;
    runs.forEach((run, k) => {
      expect(summary.get(`C${4 + k}`)!.value).toBeCloseTo(run.rows[100]!.E_total, 12);
    });
    // The workbook stays live and keeps its charts through LibreOffice's round trip.
    expect(recalculated.get('lr-1')!.get(`F${iterationRow(50)}`)!.formula).toBe(
      `F${iterationRow(49)}-$A$3*Y${iterationRow(49)}`,
    );
    for (const run of runs) {
      const sheet = `'lr-${run.learningRate}'`;
      expect(recalculatedCharts.get(`lr-${run.learningRate}`)).toEqual(
        expect.arrayContaining([`${sheet}!$A$26:$A$126`, `${sheet}!$X$26:$X$126`]),
      );
    }
    const summaryRanges = recalculatedCharts.get(SUMMARY_SHEET)!;
    for (const column of ['B', 'C', 'D', 'E', 'F', 'G']) {
      expect(summaryRanges).toContain(`summary!$${column}$26:$${column}$126`);
    }
  });

  test('after editing w1, η and the biases, the recalculated sheets match the engine run with those inputs', () => {
    expectSheetMatches(
      recalculatedEdited,
      'lr-0.5',
      rowsFor({ weights: [0.3, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55] }, 0.5),
    );
    expectSheetMatches(recalculatedEdited, 'lr-2', rowsFor({}, 1.5));
    expectSheetMatches(recalculatedEdited, 'lr-0.1', rowsFor({ biases: [0.35, 0.6] }, 0.1));
    // Untouched sheets keep the original numbers.
    expectSheetMatches(recalculatedEdited, 'lr-0.8', runs[3]!.rows);
    // The edits really changed the numbers, so this is not the cache read back.
    const last = `X${iterationRow(100)}`;
    expect(
      Math.abs(
        (recalculatedEdited.get('lr-2')!.get(last)!.value as number) - runs[5]!.rows[100]!.E_total,
      ),
    ).toBeGreaterThan(1e-4);
    const summary = recalculatedEdited.get(SUMMARY_SHEET)!;
    expect(summary.get('A9')!.value).toBe(1.5);
    expect(summary.get(`G${summarySeriesHeaderRow(6)}`)!.value).toBe('η = 1.5');
    expect(summary.get('C9')!.value).toBeCloseTo(rowsFor({}, 1.5)[100]!.E_total, 12);
  });
});
