import type { BackendInfo } from '@s4/core';
import { wasmUrl, weightsUrl } from './site-urls';

let backend: Promise<BackendInfo> | undefined;

/** Starts tfjs on the wasm backend once per page, with the binaries this site serves. */
export function ensureWasmBackend(): Promise<BackendInfo> {
  backend ??= import('@s4/core').then(({ initBackend }) =>
    initBackend({ backend: 'wasm', wasmPaths: wasmUrl() }),
  );
  return backend;
}

/** Zoo models whose trained weights this build of the site serves (see shipped-weights.ts). */
export interface ShippedIndex {
  models: string[];
  entries: Array<{
    name: string;
    source: 'shipped' | 'run';
    run?: string;
    epochs: number;
    testAccuracy?: number;
  }>;
}

/** Where a served checkpoint comes from, for people: shipped, or which committed run. */
export function describeWeights(entry: ShippedIndex['entries'][number]): string {
  const accuracy =
    entry.testAccuracy === undefined
      ? ''
      : `, ${(entry.testAccuracy * 100).toFixed(2)}% on the test set`;
  return entry.source === 'shipped'
    ? `shipped weights (${entry.epochs} epochs${accuracy})`
    : `checkpoint ${entry.run} of a committed training run (after ${entry.epochs} epochs${accuracy})`;
}

export async function shippedModels(): Promise<ShippedIndex> {
  const response = await fetch(`${weightsUrl()}index.json`);
  if (!response.ok) throw new Error(`weights index: HTTP ${response.status}`);
  return (await response.json()) as ShippedIndex;
}
