import { gunzipIdx } from './gunzip-browser';
import type { Platform } from './platform';
import { sha256Hex } from './sha256-browser';

export const browserPlatform: Platform = { gunzipIdx, sha256Hex };
