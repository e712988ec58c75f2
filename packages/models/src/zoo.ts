import { UnknownModelError } from './errors';
import { s4 } from './s4';
import { s4Fast } from './s4-fast';
import { seedArch1 } from './seed-arch1';
import { seedArch2 } from './seed-arch2';
import type { ZooModel } from './zoo-model';

/** Every model of the zoo, the default (`s4`) first. */
export const ZOO: readonly ZooModel[] = [s4, seedArch1, seedArch2, s4Fast];

export const DEFAULT_MODEL = 's4';

export const modelNames = (): string[] => ZOO.map((model) => model.name);

/** The zoo entry named `name`; throws UnknownModelError listing the known names otherwise. */
export function getZooModel(name: string): ZooModel {
  const model = ZOO.find((m) => m.name === name);
  if (!model) throw new UnknownModelError(name, modelNames());
  return model;
}
