/** A model name that is not in the zoo; `known` lists the names that are. */
export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
  readonly model: string;
  readonly known: readonly string[];

  constructor(model: string, known: readonly string[]) {
    super(`Unknown model "${model}": expected one of ${known.join(', ')}`);
    this.model = model;
    this.known = known;
  }
}
