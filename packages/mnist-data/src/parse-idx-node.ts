import type { IdxData, ParseIdxOptions } from './idx';
import { parseIdxWith } from './parse-idx';
import { nodePlatform } from './platform-node';

/**
 * Parses an IDX file (raw or gzip, detected by its magic bytes; inflated with node:zlib and
 * capped at the size its header announces).
 */
export function parseIdx(bytes: Uint8Array, options?: ParseIdxOptions): Promise<IdxData> {
  return parseIdxWith(nodePlatform, bytes, options);
}
