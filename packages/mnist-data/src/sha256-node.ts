import { createHash } from 'node:crypto';

/** Hex SHA-256 of `bytes` (node:crypto). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return createHash('sha256').update(bytes).digest('hex');
}
