import type { MnistFile } from './checksums';
import { MnistDataError } from './errors';
import { DEFAULT_MIRRORS, mirrorUrl } from './mirrors';
import type { Platform } from './platform';
import { verifyMnistBytes } from './verify';

/** Reported while a file downloads; `totalBytes` is undefined when the server sends no length. */
export interface DownloadProgress {
  file: string;
  url: string;
  receivedBytes: number;
  totalBytes: number | undefined;
}

export interface DownloadOptions {
  /** Base URLs tried in order (default DEFAULT_MIRRORS). */
  mirrors?: readonly string[] | undefined;
  /** Fetch `name.gz` (default) or the raw `name` from the mirrors. */
  compressed?: boolean | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

export interface Downloaded {
  /** Raw IDX bytes, verified against their SHA-256. */
  bytes: Uint8Array;
  mirror: string;
  url: string;
}

/**
 * Downloads one MNIST file from the first mirror that serves it whole and with the right
 * SHA-256; any failure (HTTP error, network error, short body, bad checksum) moves on to the
 * next mirror, and when none is left the error lists every mirror's failure.
 */
export async function downloadMnistFile(
  file: MnistFile,
  platform: Platform,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const mirrors = options.mirrors ?? DEFAULT_MIRRORS;
  const fileName = options.compressed === false ? file.name : file.gzName;
  const failures: string[] = [];
  for (const mirror of mirrors) {
    const url = mirrorUrl(mirror, fileName);
    try {
      const body = await fetchBody(url, fileName, options);
      const bytes = await verifyMnistBytes(body, file, url, platform);
      return { bytes, mirror, url };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof CallbackError) throw error.error;
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(reason.startsWith(url) ? reason : `${url}: ${reason}`);
    }
  }
  throw new MnistDataError(
    'ALL_MIRRORS_FAILED',
    `${fileName}: every mirror failed (${mirrors.length} tried)${failures.map((f) => `\n  - ${f}`).join('')}`,
    { file: fileName },
  );
}

/** Wraps an error thrown by the caller's onProgress: theirs to see, not a mirror's failure. */
class CallbackError {
  constructor(readonly error: unknown) {}
}

async function fetchBody(
  url: string,
  fileName: string,
  options: DownloadOptions,
): Promise<Uint8Array> {
  const response = await fetch(url, { signal: options.signal ?? null });
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  // With a Content-Encoding, Content-Length counts encoded bytes and fetch yields decoded ones.
  const lengthHeader = response.headers.has('content-encoding')
    ? null
    : response.headers.get('content-length');
  const totalBytes = lengthHeader === null ? undefined : Number(lengthHeader);
  const chunks: Uint8Array[] = [];
  let receivedBytes = 0;
  const reader = response.body.getReader();
  const report = () => {
    try {
      options.onProgress?.({ file: fileName, url, receivedBytes, totalBytes });
    } catch (error) {
      reader.cancel().catch(() => {});
      throw new CallbackError(error);
    }
  };
  report();
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const expected = totalBytes === undefined ? 'the whole body' : `${totalBytes} bytes`;
      throw new MnistDataError(
        'TRUNCATED',
        `expected ${expected}, received ${receivedBytes} before the connection failed (${error instanceof Error ? error.message : String(error)})`,
        { file: url, cause: error },
      );
    }
    if (result.done) break;
    chunks.push(result.value);
    receivedBytes += result.value.length;
    report();
  }
  if (totalBytes !== undefined && receivedBytes !== totalBytes) {
    throw new MnistDataError(
      'TRUNCATED',
      `expected ${totalBytes} bytes (Content-Length), received ${receivedBytes}`,
      { file: url },
    );
  }
  const bytes = new Uint8Array(receivedBytes);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
