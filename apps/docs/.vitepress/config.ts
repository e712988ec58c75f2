import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

/**
 * Cross-origin isolation lets tfjs use the threaded wasm binary (SharedArrayBuffer). The demos
 * also work without it (single-threaded SIMD), so hosts that cannot set headers still work.
 */
export const crossOriginIsolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Written by scripts/generate.ts from the TypeDoc run, one entry per package.
const apiSidebarFile = fileURLToPath(new URL('../.generated/api-sidebar.json', import.meta.url));
const apiSidebar: DefaultTheme.SidebarItem[] = existsSync(apiSidebarFile)
  ? JSON.parse(readFileSync(apiSidebarFile, 'utf8'))
  : [];

const guide: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Quick start', link: '/guide/quick-start' },
      { text: 'Part 1: Backprop by hand', link: '/guide/backprop' },
      { text: 'Part 2: The MNIST CNN', link: '/guide/mnist-cnn' },
      { text: 'Model files: your own network', link: '/guide/model-files' },
      { text: '@s4/mnist-data on its own', link: '/guide/mnist-data' },
      { text: 'Export to ONNX', link: '/guide/onnx-export' },
      { text: 'Train tfjs models on WebAssembly', link: '/guide/tfjs-wasm-training' },
    ],
  },
  {
    text: 'Live demos',
    items: [
      { text: 'Backprop sheet', link: '/demos/backprop' },
      { text: 'Draw a digit', link: '/demos/draw' },
      { text: 'Train in the browser', link: '/demos/train' },
      { text: 'Model zoo', link: '/demos/zoo' },
      { text: 'Design a network', link: '/demos/design' },
    ],
  },
  {
    text: 'Reference',
    items: [
      { text: 'CLI', link: '/reference/cli' },
      { text: 'API', link: '/reference/api/', collapsed: true, items: apiSidebar },
      { text: 'Benchmarks', link: '/reference/benchmarks' },
      { text: 'Changelog', link: '/reference/changelog' },
    ],
  },
];

export default defineConfig({
  title: 'S4',
  description:
    'Backprop by hand and a tiny MNIST CNN in TypeScript, running live in your browser on WebAssembly.',
  cleanUrls: true,
  // The package's developer notes, not a page for readers.
  srcExclude: ['README.md'],
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/logo.svg' }]],
  lastUpdated: false,
  // The sidebar is built from files that exist at build time; a missing generated page is a bug.
  ignoreDeadLinks: false,
  themeConfig: {
    logo: '/logo.svg',
    nav: [
      { text: 'Guide', link: '/guide/quick-start' },
      { text: 'Demos', link: '/demos/backprop' },
      { text: 'CLI', link: '/reference/cli' },
      { text: 'API', link: '/reference/api/' },
    ],
    sidebar: { '/': guide },
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    socialLinks: [{ icon: 'github', link: 'https://github.com/s4-ml/s4' }],
    footer: { message: 'MIT licensed. Every demo runs the S4 packages in your browser.' },
  },
  markdown: { math: true },
  vite: {
    // The site runs the workspace packages from their TypeScript sources: no build between
    // editing a package and seeing it in the docs.
    resolve: { conditions: ['@s4/source'] },
    ssr: { resolve: { conditions: ['@s4/source'], externalConditions: ['@s4/source'] } },
    worker: { format: 'es' },
    server: { headers: crossOriginIsolationHeaders },
    preview: { headers: crossOriginIsolationHeaders },
    build: { chunkSizeWarningLimit: 4096 },
  },
});
