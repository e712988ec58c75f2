import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, test } from 'vitest';
import {
  COLUMNS,
  cellFormula,
  columnLetter,
  iterationRow,
  PARAMETER_ROW,
  PARAMETERS,
  rateSheetName,
  resolveConfig,
  runBackprop,
  SUMMARY_SHEET,
  summarySeriesHeaderRow,
  TABLE_HEADER_ROW,
  toXlsx,
} from '../src/index';
import { readWorkbook } from './xlsx-reader';

const config = resolveConfig({ iterations: 30, biases: [0.35, 0.6] });
const runs = runBackprop(config);
const bytes = toXlsx(config, runs);
const { sheets, parts } = readWorkbook(bytes);

describe('workbook structure', () => {
  test('a summary sheet, then one sheet per learning rate', () => {
    expect([...sheets.keys()]).toEqual([
      SUMMARY_SHEET,
      'lr-0.1',
      'lr-0.2',
      'lr-0.5',
      'lr-0.8',
      'lr-1',
      'lr-2',
    ]);
    expect(parts[0]).toBe('[Content_Types].xml');
    for (let n = 1; n <= 7; n++) {
      expect(parts).toContain(`xl/charts/chart${n}.xml`);
      expect(parts).toContain(`xl/drawings/drawing${n}.xml`);
    }
  });

  test('the same inputs give the same bytes', () => {
    expect(Buffer.from(toXlsx(config, runs)).equals(Buffer.from(bytes))).toBe(true);
  });

  test('column letters', () => {
    expect([0, 25, 26, 31, 701, 702].map(columnLetter)).toEqual([
      'A',
      'Z',
      'AA',
      'AF',
      'ZZ',
      'AAA',
    ]);
  });
});

describe('rate sheets', () => {
  test('inputs are editable value cells; every other table cell is a formula with its cached value', () => {
    for (const run of runs) {
      const cells = sheets.get(rateSheetName(run.learningRate))!;
      const parameters = [
        run.learningRate,
        ...config.inputs,
        ...config.targets,
        ...config.weights,
        ...config.biases,
      ];
      PARAMETERS.forEach((_, k) => {
        const cell = cells.get(`${columnLetter(k)}${PARAMETER_ROW}`)!;
        expect(cell.formula).toBeUndefined();
        expect(cell.value).toBe(parameters[k]);
      });
      COLUMNS.forEach((column, k) => {
        expect(cells.get(`${columnLetter(k)}${TABLE_HEADER_ROW}`)!.value).toBe(column);
      });
      for (const row of run.rows) {
        COLUMNS.forEach((column, k) => {
          const cell = cells.get(`${columnLetter(k)}${iterationRow(row.iteration)}`)!;
          // Cached values are the engine's float64s exactly.
          expect(cell.value).toBe(row[column]);
          if (column === 'iteration' && row.iteration === 0) expect(cell.formula).toBeUndefined();
          else expect(cell.formula).toBe(cellFormula(column, row.iteration));
        });
      }
    }
  });

  test('formulas read the row above and the parameter cells', () => {
    expect(cellFormula('w1', 0)).toBe('$F$3');
    expect(cellFormula('t2', 0)).toBe('$E$3');
    expect(cellFormula('w1', 1)).toBe(`F${TABLE_HEADER_ROW + 1}-$A$3*Y${TABLE_HEADER_ROW + 1}`);
    expect(cellFormula('iteration', 3)).toBe(`A${iterationRow(2)}+1`);
    expect(cellFormula('h1', 0)).toBe(`F26*D26+G26*E26+$N$3`);
    expect(cellFormula('a_o2', 0)).toBe('1/(1+EXP(-T26))');
  });

  test('each has its E_total-vs-iteration chart over its own cells', () => {
    const zip = unzipSync(bytes);
    const chart = strFromU8(zip['xl/charts/chart3.xml']!);
    expect(chart).toContain(`<c:f>'lr-0.2'!$X$26:$X$${iterationRow(30)}</c:f>`);
    expect(chart).toContain(`<c:f>'lr-0.2'!$A$26:$A$${iterationRow(30)}</c:f>`);
    expect(chart).toContain('E_total vs iteration, η = 0.2');
    expect(chart).toContain(`<c:v>${runs[1]!.rows[30]!.E_total}</c:v>`);
    expect(chart).toContain('<a:srgbClr val="f58518"/>'); // η = 0.2's colour in the summary chart
    expect(strFromU8(zip['xl/worksheets/sheet3.xml']!)).toContain('<drawing r:id="rId1"/>');
  });
});

describe('summary sheet', () => {
  const cells = sheets.get(SUMMARY_SHEET)!;

  test('final E_total per rate, as formulas into the rate sheets', () => {
    runs.forEach((run, k) => {
      const row = 4 + k;
      const sheet = `'${rateSheetName(run.learningRate)}'`;
      expect(cells.get(`A${row}`)).toEqual({ formula: `${sheet}!$A$3`, value: run.learningRate });
      expect(cells.get(`C${row}`)).toEqual({
        formula: `${sheet}!$X$${iterationRow(30)}`,
        value: run.rows[30]!.E_total,
      });
    });
  });

  test('E_total per iteration side by side, feeding one chart with a line per rate', () => {
    const header = summarySeriesHeaderRow(runs.length);
    expect(cells.get(`B${header}`)).toEqual({ formula: `"η = "&'lr-0.1'!$A$3`, value: 'η = 0.1' });
    expect(cells.get(`G${header + 1 + 30}`)!.value).toBe(runs[5]!.rows[30]!.E_total);
    const chart = strFromU8(unzipSync(bytes)['xl/charts/chart1.xml']!);
    expect(chart.match(/<c:ser>/g)).toHaveLength(6);
    expect(chart).toContain(`<c:f>'summary'!$G$${header + 1}:$G$${header + 31}</c:f>`);
  });
});
