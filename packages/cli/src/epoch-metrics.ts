/** One line of a run's `metrics.jsonl`: what one epoch did. */
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
  /** Training time of this epoch (without evaluation). */
  seconds: number;
  trainImagesPerSec: number;
  /** Wall time since the run started (including evaluation and earlier sessions). */
  elapsedSeconds: number;
}
