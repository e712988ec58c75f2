import { gunzipIdx } from './gunzip-node';
import type { Platform } from './platform';
import { sha256Hex } from './sha256-node';

export const nodePlatform: Platform = { gunzipIdx, sha256Hex };
