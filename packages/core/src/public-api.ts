// Every entry's public names in one module: the one bundle (dist/api.js, dist/browser-api.js,
// dist/api.d.ts) that the entries re-export from (see tsup.config.ts). Not an entry itself.
export * from './checkpoint/index';
export * from './index';
export * from './parallel/index';
export * from './tf/index';
