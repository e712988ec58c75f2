/**
 * Machine-readable reasons `exportOnnx` refused its input; `message` names the layer or tensor
 * at fault, what was expected and what was found.
 */
export type OnnxExportErrorCode =
  /** The architecture is not a list of known layer specs, or its sizes do not chain. */
  | 'BAD_ARCHITECTURE'
  /** A tensor is missing, unused, of the wrong shape, or holds NaN or ±Infinity. */
  | 'BAD_WEIGHTS'
  /** The normalisation, input shape or an option is out of range. */
  | 'BAD_ARGUMENT';

/**
 * Its own class rather than `CoreError`: the `@s4/core/onnx` entry is built without the rest of
 * the package (no tfjs), and a second copy of `CoreError` would break `instanceof` checks.
 */
export class OnnxExportError extends Error {
  override readonly name = 'OnnxExportError';
  readonly code: OnnxExportErrorCode;

  constructor(code: OnnxExportErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
