/** `1 epoch`, `2 epochs`: a count with its noun, plural unless it is one. */
export function plural(count: number, noun: string, nounPlural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nounPlural}`;
}
