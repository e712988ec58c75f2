import type { LayerSpec } from '@s4/core';

export type { LayerSpec };

/** A layer spec before it gets its position as `name` (see `sequential`). */
export type UnnamedLayerSpec = LayerSpec extends infer L
  ? L extends LayerSpec
    ? Omit<L, 'name'>
    : never
  : never;

/**
 * Names layers by position (`"0"`, `"1"`, …) as @s4/core's Sequential does, giving exactly the
 * `architecture` array a checkpoint's model.json stores.
 */
export function sequential(...layers: Array<UnnamedLayerSpec | UnnamedLayerSpec[]>): LayerSpec[] {
  return layers.flat().map((layer, index) => ({ ...layer, name: String(index) }) as LayerSpec);
}
