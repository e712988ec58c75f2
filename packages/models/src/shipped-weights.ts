import {
  decodeCheckpoint,
  type LoadedCheckpoint,
  loadCheckpoint,
  MODEL_JSON,
  WEIGHTS_BIN,
} from '@s4/core/checkpoint';
import { nodeBuiltin } from '@s4/runtime';
import { getZooModel } from './zoo';

/** Where a zoo model's shipped checkpoint lives: `weights/<name>/` inside this package. */
export function shippedWeightsUrl(name: string): URL {
  getZooModel(name);
  // Resolves from src/ and from dist/ alike (both sit next to weights/); bundlers that
  // understand `new URL(…, import.meta.url)` copy the files.
  return new URL(`../weights/${name}/`, import.meta.url);
}

/** A `file:` URL as a path, without node:url (this module also runs in browsers). */
function fileUrlToPath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path;
}

/**
 * Loads a checkpoint folder given as a URL: `file:` URLs from disk (Node), anything else with
 * `fetch` (browser, or Node against a server), `model.json` then the weight files it lists.
 */
export async function loadCheckpointFromUrl(folder: URL | string): Promise<LoadedCheckpoint> {
  const base = new URL(folder);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  if (base.protocol === 'file:') return loadCheckpoint(fileUrlToPath(base));
  const get = async (name: string) => {
    const response = await fetch(new URL(name, base));
    if (!response.ok) {
      throw new Error(
        `Fetching ${new URL(name, base)} failed: HTTP ${response.status} ${response.statusText}`,
      );
    }
    return response;
  };
  const json: unknown = await (await get(MODEL_JSON)).json();
  const manifest = (json as { weightsManifest?: Array<{ paths?: unknown }> }).weightsManifest;
  const names = new Set<string>([WEIGHTS_BIN]);
  if (Array.isArray(manifest)) {
    for (const group of manifest) {
      if (Array.isArray(group.paths))
        for (const p of group.paths) if (typeof p === 'string') names.add(p);
    }
  }
  const files = new Map<string, Uint8Array>();
  for (const name of names) files.set(name, new Uint8Array(await (await get(name)).arrayBuffer()));
  return decodeCheckpoint(json, files, { source: base.href });
}

export interface LoadShippedOptions {
  /** Folder holding `<name>/model.json` (a URL the docs site serves); default: this package. */
  baseUrl?: URL | string;
}

/** The trained network shipped for zoo model `name`, ready for `forward` in eval mode. */
export async function loadShippedModel(
  name: string,
  options: LoadShippedOptions = {},
): Promise<LoadedCheckpoint> {
  const url = options.baseUrl ? new URL(`${name}/`, options.baseUrl) : shippedWeightsUrl(name);
  const loaded = await loadCheckpointFromUrl(url);
  // Optimizer state is only needed to resume training; inference does not keep it.
  for (const t of loaded.extraTensors.values()) t.dispose();
  loaded.extraTensors.clear();
  loaded.model.eval();
  return loaded;
}

/** What the shipped checkpoint's run reached: test accuracy (percent) per epoch. */
export interface ShippedRun {
  epochs: number;
  finalAccuracy: number;
  bestAccuracy: number;
}

/** Reads the training history stored in a shipped checkpoint's model.json (undefined if none). */
export async function shippedRun(
  name: string,
  options: LoadShippedOptions = {},
): Promise<ShippedRun | undefined> {
  const url = new URL(
    MODEL_JSON,
    options.baseUrl ? new URL(`${name}/`, options.baseUrl) : shippedWeightsUrl(name),
  );
  let json: { training?: { history?: Array<{ testAccuracy?: number }> } };
  try {
    if (url.protocol === 'file:') {
      const fs = nodeBuiltin('node:fs');
      if (!fs) return undefined;
      json = JSON.parse(fs.readFileSync(fileUrlToPath(url), 'utf8'));
    } else {
      const response = await fetch(url);
      if (!response.ok) return undefined;
      json = await response.json();
    }
  } catch {
    return undefined;
  }
  const accuracies = (json.training?.history ?? [])
    .map((h) => h.testAccuracy)
    .filter((a): a is number => typeof a === 'number')
    .map((a) => 100 * a);
  if (accuracies.length === 0) return undefined;
  return {
    epochs: accuracies.length,
    finalAccuracy: accuracies.at(-1) as number,
    bestAccuracy: Math.max(...accuracies),
  };
}
