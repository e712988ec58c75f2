/**
 * A fraction as a percentage, as everything the CLI prints or writes gives accuracy (the
 * `--json` outputs, metrics.jsonl, seeds.json): 0.9004 → 90.04, not 90.03999999999999. Twelve
 * significant digits drop the noise of the multiplication and keep far more than an accuracy
 * over at most 60,000 images can resolve.
 */
export function percent(fraction: number): number {
  return Number((100 * fraction).toPrecision(12));
}
