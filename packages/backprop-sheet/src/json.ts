import { COLUMNS } from './columns';
import type { BackpropConfig } from './config';
import type { BackpropRun } from './iterations';

/** The config and every run, rows as objects keyed by column name; numbers round-trip exactly. */
export function toJson(config: BackpropConfig, runs: readonly BackpropRun[]): string {
  return `${JSON.stringify({ config, columns: COLUMNS, runs }, null, 2)}\n`;
}
