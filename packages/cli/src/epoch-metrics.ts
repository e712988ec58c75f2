/**
 * One line of a run's `metrics.jsonl`: what one epoch did. What the model computed (losses,
 * learning rate) is kept at full precision; accuracies are percentages without the float noise
 * of the ×100 (see `percent`); times are rounded to the millisecond and throughput to 0.1
 * images/s, finer than a wall clock measures them. Displays round further (`toFixed`).
 */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  /** Percent. */
  trainAccuracy: number;
  testLoss: number;
  /** Percent. */
  testAccuracy: number;
  testCorrect: number;
  testCount: number;
  /** Learning rate at the end of the epoch. */
  lr: number;
  /** Training time of this epoch (without evaluation), seconds. */
  seconds: number;
  trainImagesPerSec: number;
  /** Wall time since the run started (including evaluation and earlier sessions), seconds. */
  elapsedSeconds: number;
}

/** Decimals of the times in metrics.jsonl: milliseconds. */
export const TIME_DECIMALS = 3;

/** `value` rounded to `decimals` decimal places. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
