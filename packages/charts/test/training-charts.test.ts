import { interpolateOranges } from 'd3-scale-chromatic';
import { describe, expect, test } from 'vitest';
import {
  confusionMatrixChart,
  DARK_THEME,
  overlaidCurvesChart,
  renderSvg,
  SERIES_COLORS,
  stepCurvesChart,
  trainingCurvesChart,
} from '../src/index';

const history = [1, 2, 3].map((epoch) => ({
  epoch,
  trainLoss: 0.6 / epoch,
  trainAccuracy: 0.9 + epoch / 100,
  testLoss: 0.5 / epoch,
  testAccuracy: 0.95 + epoch / 100,
}));

describe('training charts', () => {
  test('training curves: loss and accuracy panels, train and test, in percent or as fractions', () => {
    const percent = trainingCurvesChart(
      history.map((h) => ({
        ...h,
        trainAccuracy: 100 * h.trainAccuracy,
        testAccuracy: 100 * h.testAccuracy,
      })),
      { title: 's4: training curves', accuracy: 'percent' },
    );
    expect(percent.panels.map((p) => p.y.title)).toEqual(['average loss (NLL)', 'accuracy (%)']);
    expect(percent.panels[1]!.series.map((s) => s.points.at(-1)![1])).toEqual([93, 98]);
    const fraction = renderSvg(trainingCurvesChart(history, { accuracy: 'fraction' }));
    expect(fraction).toMatch(/>9\d\.\d%<\/text>/);
  });

  test('an epoch without a test evaluation leaves a gap, not a zero', () => {
    const partial = [...history.slice(0, 2), { epoch: 3, trainLoss: 0.2, trainAccuracy: 0.93 }];
    const chart = trainingCurvesChart(partial, { accuracy: 'fraction' });
    expect(chart.panels[0]!.series[1]!.points).toHaveLength(2);
    expect(chart.panels[0]!.series[0]!.points).toHaveLength(3);
  });

  test('overlaid curves: one colour per run, train dashed, a legend naming every run', () => {
    const runs = [
      { label: 'seed 1', history },
      {
        label: 'my-net.json',
        history: history.map((h) => ({ ...h, testAccuracy: h.testAccuracy - 0.01 })),
      },
    ];
    const chart = overlaidCurvesChart(runs, { title: 'compare', accuracy: 'fraction' });
    expect(chart.legend?.map((e) => e.label)).toEqual(['seed 1', 'my-net.json', 'train', 'test']);
    const loss = chart.panels[0]!.series;
    expect(loss.filter((s) => s.dashed).map((s) => s.color)).toEqual([
      SERIES_COLORS[0],
      SERIES_COLORS[1],
    ]);
    expect(chart.panels[1]!.series).toHaveLength(2);
    const svg = renderSvg(chart);
    expect(svg).toContain('>my-net.json</text>');
    expect(svg.match(/stroke-dasharray/g)!.length).toBeGreaterThanOrEqual(3);
  });

  test('step curves: accuracy on a fixed 0–100% axis, test points as dots', () => {
    const chart = stepCurvesChart({
      trainLoss: [
        [1, 2.3],
        [2, 1.9],
      ],
      trainAccuracy: [
        [1, 0.1],
        [2, 0.3],
      ],
      testLoss: [[2, 1.5]],
      testAccuracy: [[2, 0.5]],
    });
    const svg = renderSvg(chart, DARK_THEME);
    expect(svg).toContain('>100%</text>');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).not.toContain('<rect width'); // transparent background in the dark theme
    expect(svg).toContain(`fill="${DARK_THEME.text}"`);
  });

  test('confusion matrix: counts written in, errors on a scale that saturates at the largest error', () => {
    const matrix = Array.from({ length: 10 }, (_, r) =>
      Array.from({ length: 10 }, (_, c) =>
        r === c ? 979 : r === 4 && c === 9 ? 12 : r === 7 && c === 2 ? 6 : 0,
      ),
    );
    const svg = renderSvg(confusionMatrixChart(matrix, { title: 'confusion' }));
    expect(svg).toContain('>979</text>');
    expect(svg).toContain('>predicted digit</text>');
    expect(svg).toContain('>true digit</text>');
    const fillOf = (r: number, c: number) =>
      svg.match(new RegExp(`fill="([^"]+)"[^>]*><title>${r} → ${c}: `))![1];
    expect(fillOf(4, 9)).toBe(interpolateOranges(1));
    expect(fillOf(7, 2)).toBe(interpolateOranges(0.5));
    expect(fillOf(0, 0)).toBe('#ccfbf1');
    expect(fillOf(0, 1)).toBe(interpolateOranges(0));
  });
});
