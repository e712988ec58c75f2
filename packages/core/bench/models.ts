/**
 * The benchmark networks: the zoo's architectures as the shipped checkpoints of @s4/models store
 * them (its `weights/<name>/model.json`). Core sits below @s4/models and cannot import the zoo, so
 * the benchmarks read the zoo's data instead of re-declaring its layers.
 */

import { readFileSync } from 'node:fs';
import { fromArchitecture, type Module } from '@s4/core';

export type BenchModelName = 'seed-arch1' | 'seed-arch2' | 's4';
export const BENCH_MODELS: readonly BenchModelName[] = ['seed-arch1', 'seed-arch2', 's4'];

export function buildBenchModel(name: BenchModelName, seed = 1): Module {
  const file = new URL(`../../models/weights/${name}/model.json`, import.meta.url);
  const { architecture } = JSON.parse(readFileSync(file, 'utf8')) as { architecture: unknown };
  return fromArchitecture(architecture, { seed });
}
