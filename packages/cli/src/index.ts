export { UsageError } from './errors';
export { buildProgram, run } from './program';
export { VERSION } from './version';
