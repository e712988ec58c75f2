import type { MnistFile } from './checksums';
import { MnistDataError } from './errors';
import { isGzip } from './gzip';
import type { Platform } from './platform';

/**
 * Checks the bytes of one MNIST file, raw or gzip, against its SHA-256 and returns the raw IDX
 * bytes. A gzip file is accepted when it is the official .gz or when it inflates to the exact
 * official raw file (a mirror may recompress).
 */
export async function verifyMnistBytes(
  bytes: Uint8Array,
  file: MnistFile,
  name: string,
  platform: Platform,
): Promise<Uint8Array> {
  if (isGzip(bytes)) {
    // The compressed file's hash first: only an unknown .gz needs inflating to be checked, and
    // then never past the official raw size, so a decompression bomb costs at most that.
    const gzHash = await platform.sha256Hex(bytes);
    const raw = await platform.gunzipIdx(bytes, { name, maxBytes: file.rawBytes });
    if (gzHash === file.gzSha256) return raw;
    await checkRawHash(raw, file, `${name} (inflated)`, platform);
    return raw;
  }
  await checkRawHash(bytes, file, name, platform);
  return bytes;
}

async function checkRawHash(
  raw: Uint8Array,
  file: MnistFile,
  name: string,
  platform: Platform,
): Promise<void> {
  const found = await platform.sha256Hex(raw);
  if (found !== file.rawSha256) {
    throw new MnistDataError(
      'CHECKSUM_MISMATCH',
      `${name}: expected SHA-256 ${file.rawSha256} (${file.name}, ${file.rawBytes} bytes), found ${found} (${raw.length} bytes)`,
      { file: name },
    );
  }
}
