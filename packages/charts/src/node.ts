// Node-only entry (`@s4/charts/node`): the native PNG rasteriser.
export { type PngOptions, renderPng } from './png';
