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

/** Why an architecture or model file was refused; tools switch on `code`, people read `message`. */
export type ArchitectureErrorCode =
  /** The architecture is not an array of layer objects. */
  | 'NOT_AN_ARCHITECTURE'
  /** A layer's `type` is missing or not one of the layer types. */
  | 'UNKNOWN_LAYER_TYPE'
  /** A layer field is missing, of the wrong kind, out of range, or not a field of that layer. */
  | 'BAD_FIELD'
  /** A layer expects other channels or features than the previous layer outputs. */
  | 'CHANNEL_MISMATCH'
  /** A layer expects an image (C×H×W) but gets a vector, or the other way round. */
  | 'WRONG_INPUT_KIND'
  /** A convolution or pooling shrinks the image below 1×1. */
  | 'SPATIAL_TOO_SMALL'
  /** The network does not end in 10 class scores. */
  | 'BAD_HEAD';

/**
 * An architecture that cannot be built or trained. `index`, `layerType` and `field` locate the
 * fault (`architecture[4] (conv2d): inChannels 16, but the previous layer outputs 12`).
 */
export class ArchitectureError extends Error {
  override name = 'ArchitectureError';
  readonly code: ArchitectureErrorCode;
  /** Index of the offending layer in `architecture` (undefined for the whole array). */
  readonly index: number | undefined;
  readonly layerType: string | undefined;
  readonly field: string | undefined;

  constructor(
    code: ArchitectureErrorCode,
    message: string,
    where: { index?: number | undefined; layerType?: string | undefined; field?: string } = {},
  ) {
    super(message);
    this.code = code;
    this.index = where.index;
    this.layerType = where.layerType;
    this.field = where.field;
  }
}

export type ModelFileErrorCode = 'UNREADABLE' | 'INVALID_JSON' | 'BAD_MODEL_FILE';

/**
 * A model file that cannot be used: unreadable, not JSON (`line`/`column` say where), or not a
 * model file; `cause` holds the ArchitectureError when the architecture is at fault.
 */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  readonly code: ModelFileErrorCode | ArchitectureErrorCode;
  /** The file, as given. */
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    code: ModelFileErrorCode | ArchitectureErrorCode,
    file: string,
    message: string,
    options: { line?: number; column?: number; cause?: unknown } = {},
  ) {
    super(`${file}: ${message}`, { cause: options.cause });
    this.code = code;
    this.file = file;
    this.line = options.line;
    this.column = options.column;
  }
}
