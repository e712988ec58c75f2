import { isGzip } from './gzip';
import { decodeIdx, type IdxData, type ParseIdxOptions } from './idx';
import type { Platform } from './platform';

/** Parses IDX bytes, inflating them first when they start with the gzip magic bytes. */
export async function parseIdxWith(
  platform: Platform,
  bytes: Uint8Array,
  options: ParseIdxOptions = {},
): Promise<IdxData> {
  const raw = isGzip(bytes) ? await platform.gunzipIdx(bytes, options) : bytes;
  return decodeIdx(raw, options);
}
