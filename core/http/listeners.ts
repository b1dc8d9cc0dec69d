import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { CarillonConfig } from '../config/schema';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Paths the plain-HTTP port serves itself: phones fetch their configuration without TLS, monitors probe health. */
export function servedOverPlainHttp(url: string): boolean {
  const pathname = url.split('?')[0];
  return pathname === '/api/health' || pathname === '/provisioning' || pathname.startsWith('/provisioning/');
}

export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
}

/** Reads `http.tls` once, before anything starts, so a missing file stops start-up early and clearly. */
export function readTlsCredentials(config: CarillonConfig): TlsCredentials | null {
  const tls = config.http.tls;
  if (!tls) return null;
  try {
    return { cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) };
  } catch (err) {
    throw new Error(`Cannot read the TLS certificate or key (http.tls): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The web server: HTTPS with the given credentials (a renewed certificate needs a restart, as
 * Asterisk's WSS needs `module reload http`), plain HTTP without.
 */
export function createMainServer(credentials: TlsCredentials | null, handler: Handler): http.Server {
  if (!credentials) return http.createServer(handler);
  return https.createServer({ ...credentials, minVersion: 'TLSv1.2' }, handler);
}

/**
 * The plain-HTTP companion of an HTTPS server (`http.plainPort`): answers provisioning and
 * health through the same handler, and sends everything else to the same path over HTTPS with
 * a permanent redirect that keeps the method (308).
 */
export function createPlainServer(handler: Handler, httpsOrigin: (req: http.IncomingMessage) => string): http.Server {
  return http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (servedOverPlainHttp(url)) {
      handler(req, res);
      return;
    }
    res.writeHead(308, { location: `${httpsOrigin(req)}${url.startsWith('/') ? url : '/'}`, 'content-length': '0', 'cache-control': 'no-store' });
    res.end();
  });
}

/** `https://<host of the request or publicUrl>[:port]`, the port left out when it is 443. */
export function httpsOriginFor(config: CarillonConfig, httpsPort: () => number): (req: http.IncomingMessage) => string {
  return (req) => {
    if (config.http.publicUrl?.startsWith('https://')) return new URL(config.http.publicUrl).origin;
    const hostHeader = req.headers.host ?? '';
    // Host header without its port; an IPv6 literal keeps its brackets. Anything odd falls back to the bound host.
    const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d+)?$/.exec(hostHeader);
    const bound = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
    const host = match ? match[1] : bound.includes(':') ? `[${bound}]` : bound;
    const port = httpsPort();
    return `https://${host}${port === 443 ? '' : `:${port}`}`;
  };
}
