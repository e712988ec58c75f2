/**
 * Lets timers, I/O and UI events run between two batches (an abort button, a progress bar
 * repaint). A macrotask, not a microtask: promises alone would never let them in.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown };
  return new Promise((resolve) => {
    if (g.setImmediate) g.setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
