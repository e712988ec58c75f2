import type { IdxData, ParseIdxOptions } from './idx';
import { parseIdxWith } from './parse-idx';
import { browserPlatform } from './platform-browser';

/**
 * Parses an IDX file (raw or gzip, detected by its magic bytes; inflated with
 * DecompressionStream and capped at the size its header announces).
 */
export function parseIdx(bytes: Uint8Array, options?: ParseIdxOptions): Promise<IdxData> {
  return parseIdxWith(browserPlatform, bytes, options);
}
