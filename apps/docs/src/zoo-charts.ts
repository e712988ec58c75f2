import type { EpochSummary } from '@s4/core';

/**
 * Vega-Lite: train/test loss and accuracy per epoch of a committed training run, side by side,
 * or one above the other (`stacked`) where the page is narrow.
 */
export function trainingCurvesSpec(history: readonly EpochSummary[], width = 300, stacked = false) {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, metric: 'loss', series: 'train', value: h.trainLoss },
    { epoch: h.epoch, metric: 'accuracy', series: 'train', value: h.trainAccuracy },
    ...(h.testLoss === undefined
      ? []
      : [{ epoch: h.epoch, metric: 'loss', series: 'test', value: h.testLoss }]),
    ...(h.testAccuracy === undefined
      ? []
      : [{ epoch: h.epoch, metric: 'accuracy', series: 'test', value: h.testAccuracy }]),
  ]);
  const panel = (metric: string, title: string, format?: string) => ({
    title,
    width,
    height: 200,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', axis: { tickMinStep: 1 } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: metric,
        scale: { zero: false },
        ...(format === undefined ? {} : { axis: { format } }),
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: ['train', 'test'], range: ['#14b8a6', '#f97316'] },
      },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    [stacked ? 'vconcat' : 'hconcat']: [
      panel('loss', 'Loss per epoch'),
      panel('accuracy', 'Accuracy per epoch', '.2%'),
    ],
    config: { legend: { orient: 'bottom' } },
    background: 'white',
    padding: 12,
  };
}

/** Vega-Lite heat map of a 10×10 confusion matrix (rows: true digit, columns: predicted). */
export function confusionSpec(confusion: readonly (readonly number[])[], size = 320) {
  const values = confusion.flatMap((row, label) =>
    row.map((count, predicted) => ({ label, predicted, count, diagonal: label === predicted })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Confusion matrix (test set)',
    data: { values },
    width: size,
    height: size,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', title: 'predicted digit', axis: { labelAngle: 0 } },
      y: { field: 'label', type: 'ordinal', title: 'true digit' },
    },
    layer: [
      {
        mark: 'rect',
        encoding: {
          color: {
            condition: { test: 'datum.diagonal', value: '#ccfbf1' },
            field: 'count',
            type: 'quantitative',
            scale: { type: 'symlog', scheme: 'oranges' },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: { test: 'datum.count > 20 && !datum.diagonal', value: 'white' },
            value: '#222',
          },
        },
      },
    ],
    background: 'white',
    padding: 8,
  };
}
