import { version } from '../package.json';

/** The CLI's version, read from its package.json when it is built (`s4 --version`). */
export const VERSION: string = version;
