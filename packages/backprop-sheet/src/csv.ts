import { COLUMNS, type IterationRow } from './columns';

/** One run as CSV: header row, then every value in full float64 (shortest round-trip form). */
export function toCsv(rows: readonly IterationRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const row of rows) lines.push(COLUMNS.map((column) => String(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}
