import { renderSvg } from '@s4/backprop-sheet';
import type { EpochMetrics } from './epoch-metrics';

type VegaLiteSpec = Parameters<typeof renderSvg>[0];

const FONT = 'DejaVu Sans, Verdana, sans-serif';
const SPLIT_COLORS = { domain: ['train', 'test'], range: ['#4c78a8', '#f58518'] };

/**
 * Vega-Lite spec of the training curves: loss and accuracy per epoch, train vs test, side by
 * side (the picture a learner checks for over- or under-fitting).
 */
export function curvesSpec(metrics: readonly EpochMetrics[], title: string): VegaLiteSpec {
  const values = metrics.flatMap((m) => [
    { epoch: m.epoch, split: 'train', loss: m.trainLoss, accuracy: m.trainAccuracy },
    { epoch: m.epoch, split: 'test', loss: m.testLoss, accuracy: m.testAccuracy },
  ]);
  const panel = (field: 'loss' | 'accuracy', axisTitle: string) => ({
    width: 360,
    height: 240,
    mark: { type: 'line' as const, point: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'epoch',
        type: 'quantitative' as const,
        title: 'epoch',
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: {
        field,
        type: 'quantitative' as const,
        title: axisTitle,
        scale: { zero: false },
      },
      color: { field: 'split', type: 'nominal' as const, title: null, scale: SPLIT_COLORS },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    data: { values },
    hconcat: [panel('loss', 'average loss (NLL)'), panel('accuracy', 'accuracy (%)')],
    config: { font: FONT },
  };
}

/** Vega-Lite heatmap of a 10×10 confusion matrix (rows: true digit, columns: predicted). */
export function confusionMatrixSpec(
  matrix: readonly (readonly number[])[],
  title: string,
): VegaLiteSpec {
  const values = matrix.flatMap((row, actual) =>
    row.map((count, predicted) => ({ actual, predicted, count })),
  );
  const max = Math.max(1, ...values.filter((v) => v.actual !== v.predicted).map((v) => v.count));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    width: 400,
    height: 400,
    data: { values },
    encoding: {
      x: {
        field: 'predicted',
        type: 'ordinal',
        title: 'predicted digit',
        axis: { orient: 'top', labelAngle: 0 },
      },
      y: { field: 'actual', type: 'ordinal', title: 'true digit' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          // Errors are what matter: the colour scale saturates at the largest off-diagonal count.
          color: {
            field: 'count',
            type: 'quantitative',
            title: 'images',
            scale: { scheme: 'oranges', domain: [0, max], clamp: true },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: { test: `datum.count > ${max / 2}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
    config: { font: FONT, axis: { grid: false } },
  };
}

export { renderSvg };
