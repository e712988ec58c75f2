export { type Chart, renderSvg } from './chart';
export { confusionMatrixChart } from './confusion-matrix';
export { type Heatmap, heatmapSvg } from './heatmap';
export {
  type Axis,
  type LegendEntry,
  type LineChart,
  type LinePanel,
  type LineSeries,
  lineChartSvg,
} from './line-chart';
export { type ChartTheme, DARK_THEME, LIGHT_THEME, SERIES_COLORS, seriesColor } from './theme';
export {
  type CurveSeries,
  type CurvesOptions,
  type EpochPoint,
  overlaidCurvesChart,
  STEP_SERIES,
  type StepPoints,
  stepCurvesChart,
  trainingCurvesChart,
} from './training-curves';
