/** What went wrong, as a stable machine-readable code (messages may change, codes do not). */
export type MnistDataErrorCode =
  | 'FILE_NOT_FOUND'
  | 'NOT_A_FILE'
  | 'CANNOT_WRITE'
  | 'BAD_MAGIC'
  | 'TRUNCATED'
  | 'OVERSIZED'
  | 'BAD_GZIP'
  | 'BAD_SHAPE'
  | 'COUNT_MISMATCH'
  | 'BAD_LABEL'
  | 'CHECKSUM_MISMATCH'
  | 'ALL_MIRRORS_FAILED'
  | 'BAD_OPTION';

/**
 * The one error class of @s4/mnist-data. `file` names the file, URL or option at fault; the
 * message says what was expected and what was found.
 */
export class MnistDataError extends Error {
  override name = 'MnistDataError';
  readonly code: MnistDataErrorCode;
  readonly file: string | undefined;

  constructor(
    code: MnistDataErrorCode,
    message: string,
    options: { file?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.file = options.file;
  }
}
