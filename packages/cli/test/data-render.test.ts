import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { digitArt, digitArtRow } from '../src/digit-art';
import { digitPng } from '../src/digit-png';
import { formatDownloadLine } from '../src/download-progress';

describe('digitArt', () => {
  const pixels = Uint8Array.from([0, 255, 128, 64, 10, 200]); // 3 rows × 2 cols

  it('shades: two characters per pixel inside a frame', () => {
    expect(digitArt(pixels, 3, 2, 'shades').split('\n')).toEqual([
      '┌────┐',
      '│  ██│',
      '│▒▒░░│',
      '│  ▓▓│',
      '└────┘',
    ]);
  });

  it('blocks: one half block per two rows, exact 24-bit grays, odd last row on black', () => {
    const lines = digitArt(pixels, 3, 2, 'blocks').split('\n');
    expect(lines).toEqual([
      '\x1b[38;2;0;0;0m\x1b[48;2;128;128;128m▀\x1b[38;2;255;255;255m\x1b[48;2;64;64;64m▀\x1b[0m',
      '\x1b[38;2;10;10;10m\x1b[48;2;0;0;0m▀\x1b[38;2;200;200;200m\x1b[48;2;0;0;0m▀\x1b[0m',
    ]);
  });
});

describe('digitArtRow', () => {
  it('puts digits side by side under their captions and wraps to the width', () => {
    const a = { caption: '#0: 1', pixels: Uint8Array.from([255, 0]) };
    const b = { caption: '#1: 2', pixels: Uint8Array.from([0, 255]) };
    const c = { caption: '#2: 3', pixels: Uint8Array.from([255, 255]) };
    // Each shaded 1×2 digit is 6 characters wide with its frame; 14 columns fit two.
    expect(digitArtRow([a, b, c], 1, 2, 'shades', 14)).toBe(
      [
        '#0: 1   #1: 2',
        '┌────┐  ┌────┐',
        '│██  │  │  ██│',
        '└────┘  └────┘',
        '',
        '#2: 3',
        '┌────┐',
        '│████│',
        '└────┘',
      ].join('\n'),
    );
  });
});

describe('digitPng', () => {
  it('scales each pixel to a square, ink dark on white', () => {
    const png = PNG.sync.read(digitPng(pixels2x2(), 2, 2, 3));
    expect([png.width, png.height]).toEqual([6, 6]);
    const gray = (x: number, y: number) => png.data[(y * 6 + x) * 4];
    expect([gray(0, 0), gray(2, 2), gray(3, 0), gray(5, 2), gray(0, 3), gray(5, 5)]).toEqual([
      255, 255, 0, 0, 155, 55,
    ]);
  });
});

function pixels2x2() {
  return Uint8Array.from([0, 255, 100, 200]);
}

describe('formatDownloadLine', () => {
  it('reads like tqdm, in megabytes', () => {
    expect(formatDownloadLine('a.gz', 800_000, 1_600_000, 2)).toBe(
      'a.gz:  50%|█████     | 0.8/1.6MB [00:02<00:02, 400.0kB/s]',
    );
    expect(formatDownloadLine('a.gz', 1_650_000, 1_650_000, 3)).toBe(
      'a.gz: 100%|██████████| 1.6/1.6MB [00:03<00:00, 550.0kB/s]',
    );
    expect(formatDownloadLine('a.gz', 100_000, 1_000_000, 0)).toBe(
      'a.gz:  10%|█         | 0.1/1.0MB [00:00<?, ?B/s]',
    );
  });

  it('uses kB below a megabyte, like tqdm’s unit scaling', () => {
    expect(formatDownloadLine('c.gz', 28_881, 28_881, 0.1)).toBe(
      'c.gz: 100%|██████████| 28.9/28.9kB [00:00<00:00, 288.8kB/s]',
    );
  });

  it('without a known length shows bytes so far', () => {
    expect(formatDownloadLine('b.gz', 2_500_000, undefined, 5)).toBe(
      'b.gz: 2.5MB [00:05, 500.0kB/s]',
    );
  });
});
