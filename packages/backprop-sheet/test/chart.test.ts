import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { errorChart, PALETTE, renderSvg, resolveConfig, runBackprop } from '../src/index';
import { renderPng } from '../src/node';

const runs = runBackprop(resolveConfig({ iterations: 40 }));

function hexToRgb(hex: string): [number, number, number] {
  return [0, 2, 4].map((k) => Number.parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];
}

describe('E_total vs iteration chart', () => {
  test('the chart has one series per rate, labelled axes and legend', () => {
    const chart = errorChart(runs);
    const series = chart.panels[0]!.series;
    expect(series).toHaveLength(6);
    for (const s of series) expect(s.points).toHaveLength(41);
    expect(series.map((s) => Number(s.label))).toEqual([0.1, 0.2, 0.5, 0.8, 1, 2]);
    expect(chart.panels[0]!.x.title).toBe('iteration');
    expect(chart.panels[0]!.y.title).toContain('E_total');
    expect(chart.legendTitle).toBe('learning rate η');
  });

  test('renders to SVG headless: one line per rate, axis titles and legend entries', () => {
    const svg = renderSvg(errorChart(runs));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>iteration</text>');
    expect(svg).toContain('>E_total (total squared error)</text>');
    expect(svg).toContain('>learning rate η</text>');
    for (const rate of ['0.1', '0.2', '0.5', '0.8', '1', '2'])
      expect(svg).toContain(`>${rate}</text>`);
    for (const color of PALETTE.slice(0, 6)) expect(svg).toContain(`stroke="#${color}"`);
  });

  test("a per-rate chart has a single line, in that rate's colour", () => {
    const svg = renderSvg(errorChart([runs[2]!], { firstColor: 2 }));
    expect(svg).toContain('E_total vs iteration, η = 0.5');
    expect(svg).toContain(`stroke="#${PALETTE[2]}"`);
    expect(svg).not.toContain(`stroke="#${PALETTE[0]}"`);
  });

  test('rasterises to a PNG in which every line colour is drawn', () => {
    const png = PNG.sync.read(Buffer.from(renderPng(renderSvg(errorChart(runs)), { width: 1200 })));
    expect(png.width).toBe(1200);
    expect(png.height).toBeGreaterThan(400);
    const counts = PALETTE.slice(0, 6).map((hex) => {
      const [r, g, b] = hexToRgb(hex);
      let count = 0;
      for (let p = 0; p < png.data.length; p += 4) {
        const close =
          Math.abs(png.data[p]! - r) < 8 &&
          Math.abs(png.data[p + 1]! - g) < 8 &&
          Math.abs(png.data[p + 2]! - b) < 8;
        if (close) count++;
      }
      return count;
    });
    // Each line is hundreds of pixels long; the legend swatch alone would be a few dozen.
    for (const count of counts) expect(count).toBeGreaterThan(300);
  });
});
