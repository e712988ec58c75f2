import type { GunzipIdx } from './gzip';

/** What differs between Node and the browser: how to inflate gzip and how to hash. */
export interface Platform {
  gunzipIdx: GunzipIdx;
  sha256Hex(bytes: Uint8Array): Promise<string>;
}
