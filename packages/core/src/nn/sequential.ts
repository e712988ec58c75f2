import type { tf } from '../backend';
import { BatchNorm } from './batch-norm';
import { Module } from './module';
import { ReLU } from './relu';

/** Runs its layers in order; they are named `0`, `1`, … like PyTorch's `nn.Sequential`. */
export class Sequential extends Module {
  readonly typeName = 'Sequential';
  readonly #layers: Module[] = [];

  constructor(...layers: Module[]) {
    super();
    for (const layer of layers) this.append(layer);
  }

  append(layer: Module): this {
    this.registerModule(String(this.#layers.length), layer);
    this.#layers.push(layer);
    return this;
  }

  get length(): number {
    return this.#layers.length;
  }

  /** The layer at `index` (negative counts from the end). */
  at(index: number): Module | undefined {
    return this.#layers.at(index);
  }

  get layers(): readonly Module[] {
    return this.#layers;
  }

  forward(x: tf.Tensor): tf.Tensor {
    let y = x;
    const layers = this.#layers;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i]!;
      const next = layers[i + 1];
      // A training-mode BatchNorm followed by a ReLU runs as one fused op (one pass over the
      // activation each way instead of three): same values; not when a hook watches either.
      if (
        layer instanceof BatchNorm &&
        next instanceof ReLU &&
        layer.training &&
        !layer.hasForwardHooks &&
        !next.hasForwardHooks
      ) {
        y = layer.forwardThenRelu(y, true);
        i++;
        continue;
      }
      y = layer.call(y);
    }
    return y;
  }
}
