import { createGunzip } from 'node:zlib';
import { MnistDataError } from './errors';
import { collectInflatedIdx, gzipError } from './gzip';
import type { ParseIdxOptions } from './idx';

/** Inflates gzip IDX bytes with node:zlib, streaming so the size cap applies while inflating. */
export async function gunzipIdx(
  bytes: Uint8Array,
  options: ParseIdxOptions = {},
): Promise<Uint8Array> {
  const name = options.name ?? 'IDX data';
  const gunzip = createGunzip();
  gunzip.end(bytes);
  try {
    return await collectInflatedIdx(gunzip, options);
  } catch (error) {
    if (error instanceof MnistDataError) throw error;
    throw gzipError(name, error);
  } finally {
    gunzip.destroy();
  }
}
