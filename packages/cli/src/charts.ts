import {
  type CurveSeries,
  confusionMatrixChart,
  type LineChart,
  overlaidCurvesChart,
  trainingCurvesChart,
} from '@s4/charts';
import type { EpochMetrics } from './epoch-metrics';

/** A run's loss and accuracy per epoch, train against test (accuracies in percent). */
export function curvesChart(metrics: readonly EpochMetrics[], title: string): LineChart {
  return trainingCurvesChart(metrics, { title, accuracy: 'percent' });
}

/** One run's epochs, named for the legend (a seed, a run folder). */
export interface RunCurves {
  label: string;
  metrics: readonly EpochMetrics[];
}

/** Several runs' curves overlaid, one colour per run (accuracies in percent). */
export function overlaidRunsChart(runs: readonly RunCurves[], title: string): LineChart {
  const series: CurveSeries[] = runs.map(({ label, metrics }) => ({ label, history: metrics }));
  return overlaidCurvesChart(series, { title, accuracy: 'percent' });
}

export { renderSvg } from '@s4/charts';
export { confusionMatrixChart };
