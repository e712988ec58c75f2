import { MnistDataError } from './errors';
import { checkIdxLength, type IdxHeader, type ParseIdxOptions, readIdxHeader } from './idx';

/** True when `bytes` start with the gzip magic bytes 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes to IDX bytes; node:zlib in Node, DecompressionStream in the browser. */
export type GunzipIdx = (bytes: Uint8Array, options?: ParseIdxOptions) => Promise<Uint8Array>;

/**
 * Collects inflated chunks of an IDX file, stopping as soon as the output grows past the size
 * its own header announces: a decompression bomb costs at most one chunk beyond that size.
 */
export async function collectInflatedIdx(
  chunks: AsyncIterable<Uint8Array>,
  options: ParseIdxOptions = {},
): Promise<Uint8Array> {
  const name = options.name ?? 'IDX data';
  const parts: Uint8Array[] = [];
  let length = 0;
  let header: IdxHeader | undefined;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
    if (header === undefined) {
      // The header is at most 4 + 4·255 bytes; keep only what is needed to read it.
      head = concat([head, chunk.subarray(0, 1024)], Math.min(head.length + chunk.length, 1024));
      header = readIdxHeader(head, options);
    }
    if (header !== undefined && length > header.totalBytes) {
      checkIdxLength(length, header, name);
    }
  }
  if (header === undefined) {
    throw new MnistDataError(
      'TRUNCATED',
      `${name}: expected an IDX header after inflating, found only ${length} bytes`,
      { file: options.name },
    );
  }
  checkIdxLength(length, header, name);
  return concat(parts, length);
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1 && parts[0]!.length === length) return parts[0]!;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    const take = Math.min(part.length, length - offset);
    out.set(part.subarray(0, take), offset);
    offset += take;
    if (offset === length) break;
  }
  return out;
}

export function gzipError(name: string, cause: unknown): MnistDataError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new MnistDataError('BAD_GZIP', `${name}: expected valid gzip data, found: ${reason}`, {
    file: name,
    cause,
  });
}
