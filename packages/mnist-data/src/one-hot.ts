import { MnistDataError } from './errors';

/** Labels → Float32Array of labels.length × numClasses, 1 at each label's column. */
export function oneHot(labels: ArrayLike<number>, numClasses = 10): Float32Array {
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (!(Number.isInteger(label) && label >= 0 && label < numClasses)) {
      throw new MnistDataError(
        'BAD_LABEL',
        `labels: expected integers in 0–${numClasses - 1}, found ${label} at index ${i}`,
        { file: 'labels' },
      );
    }
    out[i * numClasses + label] = 1;
  }
  return out;
}
