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

/** Zoo models whose trained weights this build of the site serves (from @s4/models). */
export interface ShippedIndex {
  models: string[];
}

export async function shippedModels(): Promise<ShippedIndex> {
  const response = await fetch(`${weightsUrl()}index.json`);
  if (!response.ok) throw new Error(`weights index: HTTP ${response.status}`);
  return (await response.json()) as ShippedIndex;
}
