// Node-only entry (`@s4/backprop-sheet/node`): native PNG rendering and writing the output files.
export {
  CHART_FILE_STEM,
  OUTPUT_FORMATS,
  type OutputFormat,
  renderOutputFiles,
} from './output-files';
export { type PngOptions, renderPng } from './png';
export { writeOutputFiles } from './write-output-files';
