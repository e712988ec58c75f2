import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceSection, writeSection } from '../bench/benchmarks-section';

// The bench writes its table into BENCHMARKS.md, which other benchmarks write into too.
const COMMAND = 'pnpm --filter @s4/tfjs-wasm-training bench';
const OTHERS = [
  '# Benchmarks',
  '<!-- speed:start (written by `pnpm bench`) -->',
  '## Training speed',
  '| a | 1 |',
  '<!-- speed:end -->',
  '',
  'Hand-written notes.',
  '',
].join('\n');

describe('the bench section of BENCHMARKS.md', () => {
  it('is appended once, then replaced in place; every other section is kept', () => {
    const first = replaceSection(OTHERS, 'tfjs-wasm-training-fit', COMMAND, '## Fit\n| x | 1 |');
    expect(first.startsWith(OTHERS.trimEnd())).toBe(true);
    expect(first).toContain(
      '<!-- tfjs-wasm-training-fit:start (written by `pnpm --filter @s4/tfjs-wasm-training bench`; edits inside are overwritten) -->\n## Fit\n| x | 1 |\n<!-- tfjs-wasm-training-fit:end -->',
    );
    const withTail = `${first}\nA later section.\n`;
    const second = replaceSection(withTail, 'tfjs-wasm-training-fit', COMMAND, '## Fit\n| x | 2 |');
    expect(second).toBe(withTail.replace('| x | 1 |', '| x | 2 |'));
    expect(second.match(/tfjs-wasm-training-fit:start/g)).toHaveLength(1);
  });

  it('refuses broken markers instead of overwriting what lies between', () => {
    const broken = `${OTHERS}<!-- tfjs-wasm-training-fit:start -->\n| half |\n`;
    expect(() => replaceSection(broken, 'tfjs-wasm-training-fit', COMMAND, 'x')).toThrow(
      'the tfjs-wasm-training-fit markers are broken',
    );
  });

  const dir = mkdtempSync(join(tmpdir(), 's4-bench-section-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written to the file whole', () => {
    const file = join(dir, 'BENCHMARKS.md');
    writeFileSync(file, OTHERS);
    writeSection(file, 'tfjs-wasm-training-fit', COMMAND, '| y |');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('Hand-written notes.');
    expect(text).toContain('| y |\n<!-- tfjs-wasm-training-fit:end -->');
  });
});
