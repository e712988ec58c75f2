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
  /**
   * How long a mirror may take to answer, and to send the next bytes once it has (default
   * 30 s); a mirror that stalls longer is given up with a clear error.
   */
  timeoutMs?: number | undefined;
}

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 30_000;

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
      // Every file's size is known: a body larger than it is not that file (gzip adds at most
      // a few bytes per 32 KiB block to incompressible data, hence the slack for a .gz).
      const maxBytes = file.rawBytes + (options.compressed === false ? 0 : 64 * 1024);
      const body = await fetchBody(url, fileName, maxBytes, options);
      const bytes = await verifyMnistBytes(body, file, url, platform);
      return { bytes, mirror, url };
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      if (error instanceof CallbackError) throw error.error;
      // undici's "fetch failed" hides the reason (refused, redirect loop, …) in its cause.
      const cause = (error as { cause?: unknown })?.cause;
      const reason =
        (error instanceof Error ? error.message : String(error)) +
        (error instanceof TypeError && cause instanceof Error ? ` (${cause.message})` : '');
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
  maxBytes: number,
  options: DownloadOptions,
): Promise<Uint8Array> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  const stall = new AbortController();
  let stalled: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (what: string) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stalled = `${what} within ${timeoutMs / 1000} s; giving up on this mirror`;
      stall.abort();
    }, timeoutMs);
  };
  const signal = options.signal ? AbortSignal.any([options.signal, stall.signal]) : stall.signal;
  try {
    arm('no response');
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      if (stalled) throw new Error(stalled);
      throw error;
    }
    return await readBody(
      response,
      url,
      fileName,
      maxBytes,
      options,
      () => {
        if (stalled) throw new Error(stalled);
      },
      arm,
    );
  } finally {
    clearTimeout(timer);
  }
}

async function readBody(
  response: Response,
  url: string,
  fileName: string,
  maxBytes: number,
  options: DownloadOptions,
  checkStalled: () => void,
  arm: (what: string) => void,
): Promise<Uint8Array> {
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  }
  // With a Content-Encoding, Content-Length counts encoded bytes and fetch yields decoded ones.
  const lengthHeader = response.headers.has('content-encoding')
    ? null
    : response.headers.get('content-length');
  const totalBytes = lengthHeader === null ? undefined : Number(lengthHeader);
  if (totalBytes !== undefined && totalBytes > maxBytes) {
    await response.body.cancel();
    throw new MnistDataError(
      'OVERSIZED',
      `expected at most ${maxBytes} bytes (${fileName}), the server announces ${totalBytes}`,
      { file: url },
    );
  }
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
    arm(`no data after ${receivedBytes} bytes`);
    try {
      result = await reader.read();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      checkStalled();
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
    if (receivedBytes > maxBytes) {
      reader.cancel().catch(() => {});
      throw new MnistDataError(
        'OVERSIZED',
        `expected at most ${maxBytes} bytes (${fileName}), the server sent more; stopped at ${receivedBytes}`,
        { file: url },
      );
    }
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
