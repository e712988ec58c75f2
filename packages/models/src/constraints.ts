import type { LayerSpec } from './layer-spec';
import { paramCount } from './param-count';

/** The assignment's limit on trainable parameters (strictly fewer). */
export const MAX_PARAMS = 20_000;

export type ConstraintId = 'params' | 'batchnorm' | 'dropout' | 'one-fc' | 'gap';

export interface ConstraintCheck {
  id: ConstraintId;
  /** What is required, e.g. "fewer than 20,000 parameters". */
  requirement: string;
  passed: boolean;
  /** What the architecture has, e.g. "7,738 parameters" or "2 Linear layers". */
  found: string;
}

const count = (architecture: readonly LayerSpec[], test: (layer: LayerSpec) => boolean) =>
  architecture.filter(test).length;

/**
 * The assignment's constraint checklist, computed from the architecture (never written by hand):
 * fewer than 20,000 parameters, BatchNorm, Dropout, exactly one fully connected layer, GAP.
 */
export function checkConstraints(architecture: readonly LayerSpec[]): ConstraintCheck[] {
  const params = paramCount(architecture);
  const batchNorms = count(
    architecture,
    (l) => l.type === 'batchnorm2d' || l.type === 'batchnorm1d',
  );
  const dropouts = count(architecture, (l) => l.type === 'dropout' && l.p > 0);
  const linears = count(architecture, (l) => l.type === 'linear');
  const gaps = count(architecture, (l) => l.type === 'gap');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    {
      id: 'params',
      requirement: `fewer than ${MAX_PARAMS.toLocaleString('en-US')} parameters`,
      passed: params < MAX_PARAMS,
      found: `${params.toLocaleString('en-US')} parameters`,
    },
    {
      id: 'batchnorm',
      requirement: 'uses BatchNorm',
      passed: batchNorms > 0,
      found: plural(batchNorms, 'BatchNorm layer'),
    },
    {
      id: 'dropout',
      requirement: 'uses Dropout',
      passed: dropouts > 0,
      found: plural(dropouts, 'Dropout layer'),
    },
    {
      id: 'one-fc',
      requirement: 'exactly one fully connected layer',
      passed: linears === 1,
      found: plural(linears, 'Linear layer'),
    },
    {
      id: 'gap',
      requirement: 'uses Global Average Pooling',
      passed: gaps > 0,
      found: plural(gaps, 'GAP layer'),
    },
  ];
}

/** True when every constraint passes. */
export function meetsAllConstraints(architecture: readonly LayerSpec[]): boolean {
  return checkConstraints(architecture).every((check) => check.passed);
}
