import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

/**
 * A webhook receiver on loopback: records every request and answers `status` (a function may
 * decide per request). `down()` closes the port (connection refused); `up()` listens again on the
 * same port, as a restarted CRM would.
 */
export class Receiver {
  readonly received: Received[] = [];
  status: number | ((body: string) => number) = 200;
  /** Delay before answering, to keep deliveries in flight (concurrency tests). */
  delayMs = 0;
  private server: http.Server | null = null;
  private port = 0;

  async up(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const status = typeof this.status === 'function' ? this.status(body) : this.status;
        this.received.push({ headers: req.headers, body, status });
        setTimeout(() => {
          res.writeHead(status, { 'content-type': 'text/plain' });
          res.end(status < 300 ? 'thanks' : 'not now');
        }, this.delayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/carillon`;
  }

  /** Requests that were answered with a 2xx. */
  accepted(): Received[] {
    return this.received.filter((r) => r.status >= 200 && r.status < 300);
  }
}
