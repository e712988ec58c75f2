import { describe, expect, it } from 'vitest';
import { analyzeArchitecture, getZooModel } from '../src/index';

// Worked by hand from the recurrences n_out = ⌊(n_in + 2p − k)/s⌋ + 1, j_out = j_in·s,
// r_out = r_in + (k − 1)·j_in, starting from a 28×28 input with r = j = 1. Multiply-adds:
// conv = C_out·H_out·W_out·k·k·C_in, linear = in·out. Rows: [index, output shape, r, j, MACs].
type Row = [number, number[], number, number, number];

const rows = (name: string): Row[] =>
  analyzeArchitecture(getZooModel(name).architecture)
    .filter((l) => l.type !== 'batchnorm2d' && l.type !== 'batchnorm1d')
    .filter((l) => l.type !== 'relu' && l.type !== 'dropout' && l.type !== 'logsoftmax')
    .map((l) => [l.index, l.outputShape, l.receptiveField, l.jump, l.multiplyAdds]);

describe('receptive field, jump and multiply-adds of the zoo (hand-worked tables)', () => {
  it('s4: six 3×3 convs around one max-pool, then GAP over 5×5', () => {
    expect(rows('s4')).toEqual([
      [0, [8, 26, 26], 3, 1, 48_672],
      [4, [12, 24, 24], 5, 1, 497_664],
      [8, [16, 22, 22], 7, 1, 836_352],
      [12, [16, 11, 11], 8, 2, 0],
      [13, [12, 9, 9], 12, 2, 139_968],
      [17, [12, 7, 7], 16, 2, 63_504],
      [21, [16, 5, 5], 20, 2, 43_200],
      // GAP averages the 5×5 map: a 5-wide window on a jump of 2 adds 4·2.
      [24, [16], 28, 10, 0],
      [25, [10], 28, 10, 160],
    ]);
  });

  it('seed-arch1: conv, pool, conv, pool, conv, then flatten + two Linear layers', () => {
    expect(rows('seed-arch1')).toEqual([
      [0, [32, 26, 26], 3, 1, 194_688],
      [3, [32, 13, 13], 4, 2, 0],
      [4, [32, 11, 11], 8, 2, 1_115_136],
      [7, [32, 5, 5], 10, 4, 0],
      [8, [16, 3, 3], 18, 4, 41_472],
      [12, [144], 18, 4, 0],
      // The first Linear sees the whole flattened 3×3 map: 2·4 more.
      [13, [20], 26, 12, 2_880],
      [17, [10], 26, 12, 200],
    ]);
  });

  it('seed-arch2: five convs, the last one on a 3×3 map giving [10, 1, 1]', () => {
    expect(rows('seed-arch2')).toEqual([
      [0, [16, 26, 26], 3, 1, 97_344],
      [3, [32, 24, 24], 5, 1, 2_654_208],
      [6, [32, 12, 12], 6, 2, 0],
      [7, [10, 10, 10], 10, 2, 288_000],
      [11, [10, 5, 5], 12, 4, 0],
      [12, [10, 3, 3], 20, 4, 8_100],
      [15, [10, 1, 1], 28, 4, 900],
      [16, [10], 28, 4, 0],
    ]);
  });

  it('layers without a window keep the receptive field and jump of their input', () => {
    const s4 = analyzeArchitecture(getZooModel('s4').architecture);
    expect(s4.slice(0, 4).map((l) => [l.type, l.receptiveField, l.jump])).toEqual([
      ['conv2d', 3, 1],
      ['batchnorm2d', 3, 1],
      ['relu', 3, 1],
      ['dropout', 3, 1],
    ]);
    expect(s4.reduce((sum, l) => sum + l.params, 0)).toBe(7_738);
  });
});
