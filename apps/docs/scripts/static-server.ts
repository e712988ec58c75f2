import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

export interface StaticServerOptions {
  /** The built site, e.g. apps/docs/.vitepress/dist. */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /**
   * Send COOP/COEP so the page is cross-origin isolated and tfjs can use the threaded wasm build
   * (default true); false serves the site the way a host without custom headers would.
   */
  crossOriginIsolation?: boolean;
}

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves the built site like a static host: clean URLs, 404 page, optional COOP/COEP, and the
 * Brotli/gzip copies the build writes (scripts/precompress.ts) to browsers that accept them.
 */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const isolation = options.crossOriginIsolation ?? true;
  const serve = sirv(options.root, {
    extensions: ['html'],
    dev: false,
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders(response) {
      if (isolation) {
        response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      }
    },
    onNoMatch(_request, response) {
      response.statusCode = 404;
      response.end('404 Not Found');
    },
  });
  const server = createServer((request, response) => serve(request, response));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
