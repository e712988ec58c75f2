export { UsageError } from './errors';
export { buildProgram, run } from './program';
