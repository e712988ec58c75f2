/** Public MNIST mirrors serving the four official .gz files, tried in this order. */
export const DEFAULT_MIRRORS: readonly string[] = [
  'https://ossci-datasets.s3.amazonaws.com/mnist/',
  'https://storage.googleapis.com/cvdf-datasets/mnist/',
];

/** URL of `fileName` on `mirror`; a mirror given without a trailing slash is taken as a folder. */
export function mirrorUrl(mirror: string, fileName: string): string {
  return new URL(fileName, mirror.endsWith('/') ? mirror : `${mirror}/`).href;
}
