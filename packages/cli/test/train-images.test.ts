import { renderPng } from '@s4/charts/node';
import { loadMnist } from '@s4/mnist-data';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { confusionMatrixChart, curvesChart, renderSvg } from '../src/charts';
import { digitGridSvg } from '../src/digit-grid';
import type { EpochMetrics } from '../src/epoch-metrics';

const metrics: EpochMetrics[] = [1, 2, 3].map((epoch) => ({
  epoch,
  trainLoss: 0.5 / epoch,
  trainAccuracy: 90 + epoch,
  testLoss: 0.4 / epoch,
  testAccuracy: 91 + epoch,
  testCorrect: 9100 + 100 * epoch,
  testCount: 10_000,
  lr: 0.1,
  seconds: 10,
  trainImagesPerSec: 6000,
  elapsedSeconds: 11 * epoch,
}));

const decode = (bytes: Uint8Array) => PNG.sync.read(Buffer.from(bytes));

describe('run images', () => {
  it('renders the training curves with both splits and both panels', async () => {
    const svg = renderSvg(curvesChart(metrics, 's4: training curves'));
    expect(svg).toContain('average loss (NLL)');
    expect(svg).toContain('accuracy (%)');
    expect(svg).toContain('s4: training curves');
    const png = decode(renderPng(svg));
    expect(png.width).toBeGreaterThan(600);
  });

  it('renders a confusion matrix with every count', async () => {
    const matrix = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: 10 }, (_, j) => (i === j ? 970 + i : (i * 7 + j) % 5)),
    );
    const svg = renderSvg(confusionMatrixChart(matrix, { title: 'confusion' }));
    expect(svg).toContain('979');
    expect(svg).toContain('predicted digit');
    expect(decode(renderPng(svg)).height).toBeGreaterThan(400);
  });

  it('draws misclassified digits with their true and predicted labels', async () => {
    const test = await loadMnist({ split: 'test', limit: 12, download: false });
    const digits = Array.from({ length: 12 }, (_, i) => ({
      pixels: test.images.slice(i * 784, (i + 1) * 784),
      actual: test.labels[i] as number,
      predicted: ((test.labels[i] as number) + 1) % 10,
    }));
    const svg = digitGridSvg(digits, { title: '12 misclassified', columns: 6 });
    expect(svg.match(/<image /g)).toHaveLength(12);
    expect(svg).toContain(`>${digits[3]?.actual}</tspan>`);
    const png = decode(renderPng(svg));
    // Ink is drawn: some pixels inside the first digit's cell are dark.
    let dark = 0;
    for (let y = 40; y < 40 + 84; y++) {
      for (let x = 16; x < 16 + 84; x++) {
        const scale = png.width / Number(svg.match(/width="(\d+)"/)?.[1]);
        const i = (Math.floor(y * scale) * png.width + Math.floor(x * scale)) * 4;
        if ((png.data[i] as number) < 64) dark++;
      }
    }
    expect(dark).toBeGreaterThan(100);
  });
});
