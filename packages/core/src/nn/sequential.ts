import type { tf } from '../backend';
import { Module } from './module';

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
    for (const layer of this.#layers) y = layer.call(y);
    return y;
  }
}
