export { renderSvg } from '@s4/charts';
export { type ChainFactor, chainRule, type WeightGradient } from './chain-rule';
export { type ErrorChartOptions, errorChart } from './chart';
export { COLUMNS, type ColumnName, type IterationRow } from './columns';
export {
  type BackpropConfig,
  DEFAULT_CONFIG,
  MAX_ITERATIONS,
  MAX_LEARNING_RATES,
  resolveConfig,
} from './config';
export { toCsv } from './csv';
export { BackpropInputError } from './errors';
export { type BackpropRun, iterate, networkOf, runBackprop } from './iterations';
export { toJson } from './json';
export { type MarkdownOptions, toMarkdown, toMarkdownTable } from './markdown';
export {
  type ForwardPass,
  forward,
  gradients,
  type Network,
  sigmoid,
  step,
  type Weights,
} from './network';
export { PALETTE } from './palette';
export {
  cellFormula,
  columnLetter,
  iterationRow,
  PARAMETER_ROW,
  PARAMETERS,
  type ParameterName,
  parameterCell,
  rateSheetName,
  SUMMARY_SHEET,
  summarySeriesHeaderRow,
  TABLE_HEADER_ROW,
  toXlsx,
} from './xlsx';
