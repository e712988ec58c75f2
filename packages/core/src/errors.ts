/**
 * Machine-readable reasons a core operation refused its input. Callers (the CLI, the docs app)
 * switch on `code`; people read `message`, which always names the thing at fault, what was
 * expected and what was found.
 */
export type CoreErrorCode =
  /** A tensor reached a layer (or a state dict) with the wrong shape. */
  | 'SHAPE_MISMATCH'
  /** A state dict lacks a tensor the model has, or has one the model lacks. */
  | 'STATE_DICT_MISMATCH'
  /** A checkpoint folder is missing a file, truncated, or inconsistent with its manifest. */
  | 'BAD_CHECKPOINT'
  /** An architecture spec names an unknown layer type or has invalid fields. */
  | 'BAD_ARCHITECTURE'
  /** A constructor or function argument is out of range or of the wrong kind. */
  | 'BAD_ARGUMENT'
  /** Training produced a NaN or infinite loss. */
  | 'NON_FINITE_LOSS'
  /** A data-parallel training worker failed to start, crashed or reported an error. */
  | 'WORKER_FAILED';

export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;

  constructor(code: CoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Formats a shape the way error messages show it: `[8, 28, 28, 1]`. */
export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? '*' : String(d))).join(', ')}]`;
}
