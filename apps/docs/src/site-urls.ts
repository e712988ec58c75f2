/**
 * Where the site serves what the demos fetch at run time (made by scripts/generate.ts). Resolved
 * against the page so the site also works under a sub-path (VitePress `base`).
 */
export function siteUrl(path: string): string {
  const base = (import.meta.env.BASE_URL ?? '/').replace(/\/$/, '');
  return new URL(`${base}/generated/${path}`, globalThis.location?.href ?? 'http://localhost/')
    .href;
}

export const wasmUrl = () => siteUrl('tfjs-wasm/');
export const mnistUrl = () => siteUrl('mnist/');
export const mnistSubsetUrl = () => siteUrl('mnist-subset/');
export const weightsUrl = () => siteUrl('weights/');
