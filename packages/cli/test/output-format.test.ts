import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { errorLine } from '../src/error-line';
import { percent } from '../src/percent';
import { plural } from '../src/plural';
import { bin, ensureCliBuilt } from './cli-bin';

// One unit and one style in everything s4 prints: accuracy in percent (--json, metrics.jsonl),
// machine-readable summaries with --json, lower-case error messages, "1 epoch".
const work = mkdtempSync(join(tmpdir(), 's4-format-'));

beforeAll(ensureCliBuilt, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const s4 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });

describe('helpers', () => {
  test('percent drops the float noise of ×100 and keeps the value', () => {
    expect(100 * 0.9004).not.toBe(90.04);
    expect(percent(0.9004)).toBe(90.04);
    expect(percent(9941 / 10_000)).toBe(99.41);
    expect(percent(1 / 3)).toBeCloseTo(33.3333333333, 9);
    expect(percent(1)).toBe(100);
  });

  test('plural', () => {
    expect(plural(1, 'epoch')).toBe('1 epoch');
    expect(plural(15, 'epoch')).toBe('15 epochs');
    expect(plural(0, 'file')).toBe('0 files');
  });

  test('errorLine lowers a plain capitalised first word only', () => {
    expect(errorLine('Unknown model "vgg16"')).toBe('error: unknown model "vgg16"');
    expect(errorLine('MNIST files missing')).toBe('error: MNIST files missing');
    expect(errorLine('PyTorch order expected')).toBe('error: PyTorch order expected');
    expect(errorLine('--lr: expected a number')).toBe('error: --lr: expected a number');
    expect(errorLine('Bad checksum', 'warning')).toBe('warning: bad checksum');
  });
});

describe('s4 output', () => {
  test('train --json: one JSON summary on stdout, progress on stderr; metrics.jsonl rounded as documented', () => {
    const out = join(work, 'run');
    const result = s4(
      'train',
      ...['--epochs', '1', '--limit', '512', '--test-limit', '300', '--workers', '1'],
      ...['--out', out, '--json'],
    );
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const summary = JSON.parse(lines[0] as string);
    expect(summary).toMatchObject({ status: 'completed', model: 's4', out, epochs: 1 });
    expect(summary.final.testCount).toBe(300);
    expect(summary.final.testAccuracy).toBe((100 * summary.final.testCorrect) / 300);
    expect(summary.best).toEqual(summary.final);
    expect(result.stderr).toContain('Test set: Average loss:');
    expect(result.stderr).toContain('1 epoch ·');

    const [metrics] = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(metrics).toEqual(summary.final);
    // Accuracies print as the exact percentage, times to the millisecond, images/s to 0.1.
    expect(String(metrics.testAccuracy)).toMatch(/^\d+(\.\d{1,12})?$/);
    expect(metrics.testAccuracy).toBe((100 * metrics.testCorrect) / metrics.testCount);
    expect(String(metrics.seconds)).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(String(metrics.elapsedSeconds)).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(String(metrics.trainImagesPerSec)).toMatch(/^\d+(\.\d)?$/);
  });

  test('evaluate --json gives accuracy in percent, the same unit as metrics.jsonl', () => {
    const result = s4('evaluate', '--model', 's4', '--limit', '500', '--json');
    expect(result.status, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.count).toBe(500);
    expect(report.accuracy).toBe((100 * report.correct) / 500);
    expect(report.accuracy).toBeGreaterThan(95);
  });

  test('summary --json: the torchsummary table as data', () => {
    const result = s4('summary', '--model', 'seed-arch1', '--json');
    expect(result.status, result.stderr).toBe(0);
    const table = JSON.parse(result.stdout);
    expect(table).toMatchObject({
      model: 'seed-arch1',
      inputSize: [1, 28, 28],
      totalParams: 17502,
    });
    expect(table.rows[0]).toEqual({
      name: 'Conv2d-1',
      outputShape: [-1, 32, 26, 26],
      params: 320,
      trainable: true,
    });
    expect(table.text).toBeUndefined();
  });
});
