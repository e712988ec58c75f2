// Node-only entry (`@s4/backprop-sheet/node`): native PNG rendering and writing the output files.

export { type PngOptions, renderPng } from '@s4/charts/node';
export {
  CHART_FILE_STEM,
  OUTPUT_FORMATS,
  type OutputFormat,
  renderOutputFiles,
} from './output-files';
export { writeOutputFiles } from './write-output-files';
