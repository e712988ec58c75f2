import { describe, expect, test } from 'vitest';
import {
  COLUMNS,
  DEFAULT_CONFIG,
  resolveConfig,
  runBackprop,
  toCsv,
  toJson,
  toMarkdown,
  toMarkdownTable,
} from '../src/index';

const HEADER =
  'iteration,t1,t2,i1,i2,w1,w2,w3,w4,h1,a_h1,h2,a_h2,w5,w6,w7,w8,o1,a_o1,o2,a_o2,E1,E2,E_total,dE_dw1,dE_dw2,dE_dw3,dE_dw4,dE_dw5,dE_dw6,dE_dw7,dE_dw8';

const runs = runBackprop(resolveConfig({ iterations: 20, learningRates: [0.5, 2] }));

describe('CSV', () => {
  const csv = toCsv(runs[0]!.rows);
  const lines = csv.trimEnd().split('\n');

  test('header names the columns exactly, in order', () => {
    expect(lines[0]).toBe(HEADER);
    expect(COLUMNS.join(',')).toBe(HEADER);
  });

  test('every value parses back to the same float64 (shortest round-trip form)', () => {
    expect(lines).toHaveLength(22);
    lines.slice(1).forEach((line, k) => {
      const values = line.split(',').map(Number);
      expect(values).toEqual(COLUMNS.map((c) => runs[0]!.rows[k]![c]));
      for (const text of line.split(',')) expect(String(Number(text))).toBe(text);
    });
  });
});

describe('JSON', () => {
  test('round-trips the config and every row exactly', () => {
    const parsed = JSON.parse(toJson(DEFAULT_CONFIG, runs));
    expect(parsed.config).toEqual(DEFAULT_CONFIG);
    expect(parsed.columns).toEqual([...COLUMNS]);
    expect(parsed.runs).toEqual(runs);
  });
});

describe('Markdown', () => {
  test('one table per rate with all columns and a summary of final errors', () => {
    const markdown = toMarkdown(runs);
    expect(markdown).toContain('## η = 0.5');
    expect(markdown).toContain('## η = 2');
    const finalAt2 = Number(runs[1]!.rows[20]!.E_total.toPrecision(6));
    expect(markdown).toContain(`| 2 | 0.24252 | ${finalAt2} | 20 |`);
    expect(markdown).not.toContain('![');
    expect(toMarkdown(runs, { chartImage: 'chart.svg' })).toContain(
      '![E_total vs iteration for each learning rate](chart.svg)',
    );
    const table = toMarkdownTable(runs[0]!.rows, { digits: 4 }).trimEnd().split('\n');
    expect(table[0]).toBe(`| ${COLUMNS.join(' | ')} |`);
    expect(table).toHaveLength(2 + 21);
    expect(table[2]!.split('|').length).toBe(COLUMNS.length + 2);
    expect(table[2]).toContain('| 0 | 0.01 | 0.99 | 0.05 | 0.1 | 0.15 |');
  });
});
