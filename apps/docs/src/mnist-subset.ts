import { decodeIdx, type MnistData, type MnistSplit } from '@s4/mnist-data';
import { MNIST_SUBSET, type MnistSubsetFile } from './mnist-subset-spec';

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchChecked(baseUrl: string, file: MnistSubsetFile, signal?: AbortSignal) {
  const url = new URL(file.file, baseUrl).href;
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const fetched = new Uint8Array(await response.arrayBuffer());
  // A host that sends the .gz with Content-Encoding: gzip has the browser inflate it already.
  const gzipped = fetched[0] === 0x1f && fetched[1] === 0x8b;
  const raw = gzipped
    ? new Uint8Array(
        await new Response(
          new Blob([fetched]).stream().pipeThrough(new DecompressionStream('gzip')),
        ).arrayBuffer(),
      )
    : fetched;
  if (raw.byteLength !== file.rawBytes) {
    throw new Error(
      `${url}: expected ${file.rawBytes} bytes once inflated, found ${raw.byteLength}`,
    );
  }
  const found = await sha256Hex(raw);
  if (found !== file.sha256) {
    throw new Error(`${url}: SHA-256 ${found} is not the ${file.sha256} this site was built with`);
  }
  return decodeIdx(raw, { name: url });
}

/**
 * The first `limit` images of `split` from the site's subset files (SHA-256 checked): the
 * train demo's default run downloads about 1 MB instead of the full 11 MB.
 */
export async function loadMnistSubset(
  split: MnistSplit,
  baseUrl: string,
  limit: number,
  signal?: AbortSignal,
): Promise<MnistData> {
  const entry = MNIST_SUBSET[split];
  if (limit > entry.count)
    throw new Error(`the ${split} subset has ${entry.count} images, ${limit} asked`);
  const [images, labels] = await Promise.all([
    fetchChecked(baseUrl, entry.images, signal),
    fetchChecked(baseUrl, entry.labels, signal),
  ]);
  const size = 28 * 28;
  return {
    split,
    images: (images.data as Uint8Array).slice(0, limit * size),
    labels: (labels.data as Uint8Array).slice(0, limit),
    count: limit,
    rows: 28,
    cols: 28,
    source: { kind: 'mirror', location: baseUrl },
  };
}
