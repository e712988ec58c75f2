import { MnistDataError } from './errors';
import { collectInflatedIdx, gzipError } from './gzip';
import type { ParseIdxOptions } from './idx';

/** Inflates gzip IDX bytes with the standard DecompressionStream (browsers, Deno, Node ≥ 18). */
export async function gunzipIdx(
  bytes: Uint8Array,
  options: ParseIdxOptions = {},
): Promise<Uint8Array> {
  const name = options.name ?? 'IDX data';
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  try {
    return await collectInflatedIdx(readChunks(reader), options);
  } catch (error) {
    if (error instanceof MnistDataError) throw error;
    throw gzipError(name, error);
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function* readChunks(reader: ReadableStreamDefaultReader<Uint8Array>) {
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}
