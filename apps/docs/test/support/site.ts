import { existsSync, mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { docsRoot } from '../../scripts/paths';
import { type StaticServer, startStaticServer } from '../../scripts/static-server';

export const distDir = join(docsRoot, '.vitepress', 'dist');
export const artifactsDir = join(docsRoot, 'test-artifacts');

/** Debian's chromium (installed by .ci/run); override with $CHROMIUM_PATH. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Site {
  browser: Browser;
  server: StaticServer;
  url: string;
  close(): Promise<void>;
}

/** Serves the BUILT site on 127.0.0.1 and starts a headless Chromium. */
export async function openSite(options: { crossOriginIsolation?: boolean } = {}): Promise<Site> {
  if (!existsSync(join(distDir, 'index.html'))) {
    throw new Error(
      `${distDir} has no built site: run \`pnpm --filter @s4/docs build\` first (turbo runs it before the tests)`,
    );
  }
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (see .ci/run)`);
  }
  mkdirSync(artifactsDir, { recursive: true });
  const server = await startStaticServer({ root: distDir, ...options });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
  return {
    browser,
    server,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Problems a page reports: console errors and warnings, uncaught exceptions, failed same-origin
 * requests. A warning is a problem too: a reader with the console open sees it.
 */
export function collectProblems(page: Page, origin: string): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    const type = message.type();
    if (type === 'error' || type === 'warning') {
      problems.push(
        `console.${type === 'error' ? 'error' : 'warn'}: ${message.text()} (${message.location().url})`,
      );
    }
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => {
    // Downloads and aborted prefetches are not failures of the page.
    const reason = request.failure()?.errorText ?? '';
    if (reason !== 'net::ERR_ABORTED') problems.push(`request failed: ${request.url()} ${reason}`);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(origin) && response.status() >= 400) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return problems;
}

/** Every page of the built site as a clean URL path (`/guide/quick-start`), 404 excluded. */
export async function builtPages(): Promise<string[]> {
  const entries = await readdir(distDir, { recursive: true });
  return entries
    .filter((entry) => entry.endsWith('.html') && entry !== '404.html')
    .map((entry) => `/${relative('.', entry).split(sep).join('/')}`)
    .map((path) => path.replace(/index\.html$/, '').replace(/\.html$/, ''))
    .sort();
}
