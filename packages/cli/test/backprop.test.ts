import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG, runBackprop, toCsv } from '@s4/backprop-sheet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bin, ensureCliBuilt } from './cli-bin';

// The real `s4` bin, as a user runs it.

beforeAll(ensureCliBuilt, 600_000);

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function s4(...args: string[]) {
  const cwd = mkdtempSync(join(tmpdir(), 's4-backprop-'));
  folders.push(cwd);
  const result = spawnSync(process.execPath, [bin, 'backprop', ...args], { cwd, encoding: 'utf8' });
  return { ...result, cwd };
}

describe('s4 backprop', () => {
  test('defaults: prints the compact table and writes every format', () => {
    const { status, stdout, stderr, cwd } = s4('--out', 'out');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toMatch(/^\s+0\.1\s+0\s+0\.242519857\s/m);
    expect(stdout).toMatch(/^\s+2\s+100\s+0\.005160109\s/m);
    expect(stdout).toContain('final E_total by learning rate:');

    const out = join(cwd, 'out');
    const rates = ['0.1', '0.2', '0.5', '0.8', '1', '2'];
    const expected = [
      ...rates.map((r) => `lr-${r}.csv`),
      'backprop.xlsx',
      'backprop.json',
      'backprop.md',
      'error-vs-iteration.svg',
      'error-vs-iteration.png',
      ...rates.flatMap((r) => [`error-vs-iteration-lr-${r}.svg`, `error-vs-iteration-lr-${r}.png`]),
    ];
    // No temporary files are left behind by the atomic writes.
    expect(readdirSync(out).sort()).toEqual([...expected].sort());

    const runs = runBackprop(DEFAULT_CONFIG);
    expect(readFileSync(join(out, 'lr-0.1.csv'), 'utf8')).toBe(toCsv(runs[0]!.rows));
    expect(readFileSync(join(out, 'lr-2.csv'), 'utf8')).toBe(toCsv(runs[5]!.rows));
    // A zip (part names are stored uncompressed): summary + six rate sheets, each with a chart.
    const workbook = readFileSync(join(out, 'backprop.xlsx'));
    expect(workbook.subarray(0, 2).toString()).toBe('PK');
    expect(workbook.includes('xl/worksheets/sheet7.xml')).toBe(true);
    expect(workbook.includes('xl/charts/chart7.xml')).toBe(true);
    expect(workbook.includes('xl/charts/chart8.xml')).toBe(false);
    const png = readFileSync(join(out, 'error-vs-iteration.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(out, 'error-vs-iteration.svg'), 'utf8')).toContain('learning rate η');
    expect(JSON.parse(readFileSync(join(out, 'backprop.json'), 'utf8')).runs).toHaveLength(6);
    expect(readFileSync(join(out, 'backprop.md'), 'utf8')).toContain('](error-vs-iteration.svg)');
  });

  test('custom network: the worked example with biases, CSV and JSON only', () => {
    const { status, cwd } = s4(
      '--lr',
      '0.5',
      '--iterations',
      '1',
      '--biases',
      '0.35,0.6',
      '--format',
      'csv,json',
      '--out',
      'run',
    );
    expect(status).toBe(0);
    expect(readdirSync(join(cwd, 'run')).sort()).toEqual(['backprop.json', 'lr-0.5.csv']);
    const [header, first, second] = readFileSync(join(cwd, 'run', 'lr-0.5.csv'), 'utf8')
      .trim()
      .split('\n');
    const columns = header!.split(',');
    const value = (line: string, column: string) =>
      Number(line.split(',')[columns.indexOf(column)]);
    expect(value(first!, 'E_total').toFixed(9)).toBe('0.298371109');
    expect(value(second!, 'w5').toFixed(8)).toBe('0.35891648');
  });

  test.each([
    [['--lr', '0.1,abc'], '--lr', 'abc'],
    [['--lr', '0.5,0'], '--lr', 'rates > 0'],
    [['--iterations', '0'], '--iterations', 'whole number'],
    [['--iterations', '-5'], '--iterations', ''],
    [['--iterations', '2.5'], '--iterations', 'whole number'],
    [['--weights', '0.15,0.2,0.25'], '--weights', '8 numbers'],
    [['--targets', '0.01'], '--targets', '2 numbers'],
    [['--format', 'csv,gif'], '--format', 'gif'],
  ])('bad input %j: exit 2, names %s, writes nothing', (args, option, detail) => {
    const { status, stderr, stdout, cwd } = s4(...args, '--out', 'never');
    expect(status).toBe(2);
    expect(stderr).toContain(option);
    expect(stderr).toContain(detail);
    expect(stdout).toBe('');
    expect(existsSync(join(cwd, 'never'))).toBe(false);
  });
});
