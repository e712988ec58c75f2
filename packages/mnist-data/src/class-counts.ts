/** How many labels of each class 0..numClasses−1 there are. */
export function classCounts(labels: ArrayLike<number>, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label >= 0 && label < numClasses) counts[label]! += 1;
  }
  return counts;
}
