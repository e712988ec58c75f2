type Builtins = {
  'node:fs': typeof import('node:fs');
  'node:fs/promises': typeof import('node:fs/promises');
  'node:path': typeof import('node:path');
  'node:module': typeof import('node:module');
  'node:v8': typeof import('node:v8');
  'node:worker_threads': typeof import('node:worker_threads');
};

/**
 * A Node built-in module when running in Node, else undefined. Through
 * `process.getBuiltinModule`, so code shared with browsers has no static `node:` import for a
 * bundler to resolve.
 */
export function nodeBuiltin<Id extends keyof Builtins>(id: Id): Builtins[Id] | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as Builtins[Id] | undefined;
}
