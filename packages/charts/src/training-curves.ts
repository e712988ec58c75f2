import type { LegendEntry, LineChart, LineSeries } from './line-chart';
import { seriesColor } from './theme';

/** One epoch of a training run, as `fit` reports it and run folders record it. */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss?: number;
  testAccuracy?: number;
}

export interface CurvesOptions {
  title?: string;
  /** How accuracies are given: 0–100 (the CLI's run folders) or 0–1 (`fit`'s history). */
  accuracy: 'percent' | 'fraction';
  /** Panels side by side (default) or one above the other. */
  layout?: 'row' | 'column';
  panelWidth?: number;
  panelHeight?: number;
}

const TRAIN_COLOR = seriesColor(0);
const TEST_COLOR = seriesColor(1);
const LOSS_AXIS = 'average loss (NLL)';

function accuracyAxis(accuracy: CurvesOptions['accuracy'], title: string) {
  return accuracy === 'percent' ? { title: `${title} (%)` } : { title, format: '.1%' as const };
}

/** What every builder passes through from its options: title, layout and panel size. */
function frame(options: Omit<CurvesOptions, 'accuracy'>) {
  return {
    kind: 'line' as const,
    title: options.title,
    layout: options.layout,
    panelWidth: options.panelWidth,
    panelHeight: options.panelHeight,
  };
}

const points = (
  history: readonly EpochPoint[],
  value: (e: EpochPoint) => number | undefined,
): [number, number][] =>
  history.flatMap((e) => {
    const v = value(e);
    return v === undefined ? [] : [[e.epoch, v] as [number, number]];
  });

/**
 * One run's loss and accuracy per epoch, train against test, side by side: the picture a
 * learner checks for over- or under-fitting.
 */
export function trainingCurvesChart(
  history: readonly EpochPoint[],
  options: CurvesOptions,
): LineChart {
  const series = (
    value: (e: EpochPoint) => number | undefined,
    label: 'train' | 'test',
  ): LineSeries => ({
    label,
    points: points(history, value),
    color: label === 'train' ? TRAIN_COLOR : TEST_COLOR,
    markers: true,
  });
  return {
    ...frame(options),
    panels: [
      {
        x: { title: 'epoch', integer: true },
        y: { title: LOSS_AXIS },
        series: [series((e) => e.trainLoss, 'train'), series((e) => e.testLoss, 'test')],
      },
      {
        x: { title: 'epoch', integer: true },
        y: accuracyAxis(options.accuracy, 'accuracy'),
        series: [series((e) => e.trainAccuracy, 'train'), series((e) => e.testAccuracy, 'test')],
      },
    ],
  };
}

/** A run's epochs, named for the legend (a seed, a run folder, a network). */
export interface CurveSeries {
  label: string;
  history: readonly EpochPoint[];
}

/**
 * Several runs overlaid, one colour per run: train (dashed) and test loss, and test accuracy,
 * per epoch — seeds of one model, or runs of different models.
 */
export function overlaidCurvesChart(
  runs: readonly CurveSeries[],
  options: CurvesOptions,
): LineChart {
  const loss = runs.flatMap(({ label, history }, k): LineSeries[] => [
    { label, points: points(history, (e) => e.trainLoss), color: seriesColor(k), dashed: true },
    { label, points: points(history, (e) => e.testLoss), color: seriesColor(k), markers: true },
  ]);
  const accuracy = runs.map(
    ({ label, history }, k): LineSeries => ({
      label,
      points: points(history, (e) => e.testAccuracy),
      color: seriesColor(k),
      markers: true,
    }),
  );
  const legend: LegendEntry[] = [
    ...runs.map(({ label }, k) => ({ label, color: seriesColor(k) })),
    { label: 'train', color: '#888', dashed: true },
    { label: 'test', color: '#888' },
  ];
  return {
    ...frame(options),
    legend,
    panels: [
      {
        x: { title: 'epoch', integer: true },
        y: { title: LOSS_AXIS },
        series: loss,
      },
      {
        x: { title: 'epoch', integer: true },
        y: accuracyAxis(options.accuracy, 'test accuracy'),
        series: accuracy,
      },
    ],
  };
}

/** A live run's progress: per-batch training values and per-epoch test values, by step. */
export interface StepPoints {
  /** [optimizer step, value] of every batch. */
  trainLoss: readonly (readonly [number, number])[];
  trainAccuracy: readonly (readonly [number, number])[];
  /** [optimizer step, value] at the end of every evaluated epoch. */
  testLoss: readonly (readonly [number, number])[];
  testAccuracy: readonly (readonly [number, number])[];
}

export const STEP_SERIES = ['train (per batch)', 'test (per epoch)'] as const;

/** Loss and accuracy (0–1) against the optimizer step while a run trains. */
export function stepCurvesChart(
  steps: StepPoints,
  options: Omit<CurvesOptions, 'accuracy'> = {},
): LineChart {
  const pair = (train: StepPoints['trainLoss'], test: StepPoints['testLoss']): LineSeries[] => [
    { label: STEP_SERIES[0], points: train, color: TRAIN_COLOR },
    { label: STEP_SERIES[1], points: test, color: TEST_COLOR, markers: true },
  ];
  return {
    ...frame(options),
    panels: [
      {
        title: 'Loss',
        x: { title: 'optimizer step', integer: true },
        y: { title: 'loss', zero: true },
        series: pair(steps.trainLoss, steps.testLoss),
      },
      {
        title: 'Accuracy',
        x: { title: 'optimizer step', integer: true },
        y: { title: 'accuracy', domain: [0, 1], format: '.0%' },
        series: pair(steps.trainAccuracy, steps.testAccuracy),
      },
    ],
  };
}
