import type { LayerSpec } from './layer-spec';
import type { Recipe } from './recipe';

/** A model of the zoo: its architecture, how to train it, and what it is compared against. */
export interface ZooModel {
  /** The `--model` name. */
  name: string;
  title: string;
  description: string;
  /** Input `[1, 28, 28]` (C, H, W), output log-probabilities `[10]`. */
  architecture: readonly LayerSpec[];
  recipe: Recipe;
  /** A published or prototype result the model is compared with (test accuracy in percent). */
  reference?: { source: string; bestAccuracy: number };
}
