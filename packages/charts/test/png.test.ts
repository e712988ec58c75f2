import { PNG } from 'pngjs';
import { expect, test } from 'vitest';
import { renderSvg, SERIES_COLORS, trainingCurvesChart } from '../src/index';
import { renderPng } from '../src/node';

const history = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  trainLoss: 1 / epoch,
  trainAccuracy: 90 + epoch,
  testLoss: 0.8 / epoch,
  testAccuracy: 95 + epoch,
}));

test('rasterises to a PNG of the asked width in which both lines are drawn', () => {
  const svg = renderSvg(trainingCurvesChart(history, { title: 'curves', accuracy: 'percent' }));
  const png = PNG.sync.read(Buffer.from(renderPng(svg, { width: 1200 })));
  expect(png.width).toBe(1200);
  expect(png.height).toBeGreaterThan(300);
  for (const hex of SERIES_COLORS.slice(0, 2)) {
    const [r, g, b] = [1, 3, 5].map((k) => Number.parseInt(hex.slice(k, k + 2), 16));
    let count = 0;
    for (let p = 0; p < png.data.length; p += 4)
      if (
        Math.abs(png.data[p]! - r!) < 8 &&
        Math.abs(png.data[p + 1]! - g!) < 8 &&
        Math.abs(png.data[p + 2]! - b!) < 8
      )
        count++;
    // Two lines across two panels are hundreds of pixels; a legend swatch is a few dozen.
    expect(count).toBeGreaterThan(300);
  }
});

test('text is drawn: the PNG has dark pixels in the title band', () => {
  const svg = renderSvg(trainingCurvesChart(history, { title: 'curves', accuracy: 'percent' }));
  const png = PNG.sync.read(Buffer.from(renderPng(svg, { width: 800 })));
  let dark = 0;
  for (let y = 0; y < 30; y++)
    for (let x = 0; x < png.width; x++) if (png.data[(y * png.width + x) * 4]! < 100) dark++;
  expect(dark).toBeGreaterThan(50);
});
