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

/** One run's epochs, named for the legend (a seed, a run folder). */
export interface CurveSeries {
  label: string;
  metrics: readonly EpochMetrics[];
}

/**
 * Vega-Lite spec of several runs' curves overlaid, one colour per run: train (dashed) and test
 * loss, and test accuracy, per epoch — seeds of one model, or runs of different models.
 */
export function overlaidCurvesSpec(series: readonly CurveSeries[], title: string): VegaLiteSpec {
  const values = series.flatMap(({ label, metrics }) =>
    metrics.flatMap((m) => [
      { run: label, epoch: m.epoch, split: 'train', loss: m.trainLoss, accuracy: m.trainAccuracy },
      { run: label, epoch: m.epoch, split: 'test', loss: m.testLoss, accuracy: m.testAccuracy },
    ]),
  );
  const x = {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'epoch',
    axis: { tickMinStep: 1, format: 'd' },
  };
  const color = {
    field: 'run',
    type: 'nominal' as const,
    title: null,
    sort: series.map((s) => s.label),
    legend: { orient: 'bottom' as const, columns: 2, labelLimit: 400 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    data: { values },
    hconcat: [
      {
        width: 360,
        height: 240,
        mark: { type: 'line' as const, point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: 'loss',
            type: 'quantitative' as const,
            title: 'average loss (NLL): train dashed, test solid',
            scale: { zero: false },
          },
          color,
          strokeDash: {
            field: 'split',
            type: 'nominal' as const,
            title: null,
            scale: {
              domain: ['test', 'train'],
              range: [
                [1, 0],
                [6, 4],
              ],
            },
            legend: null,
          },
          detail: { field: 'split', type: 'nominal' as const },
        },
      },
      {
        width: 360,
        height: 240,
        transform: [{ filter: "datum.split === 'test'" }],
        mark: { type: 'line' as const, point: true, strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field: 'accuracy',
            type: 'quantitative' as const,
            title: 'test accuracy (%)',
            scale: { zero: false },
          },
          color,
        },
      },
    ],
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
