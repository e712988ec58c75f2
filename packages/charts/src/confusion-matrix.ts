import type { Heatmap } from './heatmap';

/** Light teal: correct answers stand apart from the orange scale of the errors. */
const CORRECT_COLOR = '#ccfbf1';

/**
 * A 10×10 confusion matrix (rows: true digit, columns: predicted) as a heat map whose colour
 * scale saturates at the largest error count, so that errors, not the diagonal, draw the eye.
 */
export function confusionMatrixChart(
  matrix: readonly (readonly number[])[],
  options: { title?: string; size?: number } = {},
): Heatmap {
  return {
    kind: 'heatmap',
    title: options.title,
    rows: matrix,
    xTitle: 'predicted digit',
    yTitle: 'true digit',
    diagonalColor: CORRECT_COLOR,
    size: options.size,
  };
}
