// The parts of the `tftp` package (0.1.x, no bundled types) Carillon uses.
declare module 'tftp' {
  import type { EventEmitter } from 'node:events';
  import type { Readable, Writable } from 'node:stream';

  export interface TftpOptions {
    host?: string;
    port?: number;
    root?: string;
    denyGET?: boolean;
    denyPUT?: boolean;
    blockSize?: number;
    windowSize?: number;
    retries?: number;
    timeout?: number;
  }

  export interface TftpStats {
    blockSize: number;
    windowSize: number;
    size: number | null;
    userExtensions: Record<string, string>;
    retries: number;
    timeout: number;
    localAddress: string;
    localPort: number;
    remoteAddress: string;
    remotePort: number;
  }

  /** The request side of a transfer (the "connection": errors and aborts are emitted here). */
  export interface TftpGetStream extends Readable {
    file: string;
    method: 'GET' | 'PUT';
    stats: TftpStats;
    abort(error?: string): void;
    close(): void;
  }

  export interface TftpPutStream extends Writable {
    setSize(size: number): void;
  }

  export interface TftpServer extends EventEmitter {
    host: string;
    port: number;
    listen(): void;
    close(): void;
  }

  export interface TftpClient {
    get(remote: string, local: string, callback: (error?: Error) => void): void;
    get(remote: string, callback: (error?: Error) => void): void;
    createGetStream(remote: string, options?: { md5?: string; sha1?: string }): Readable & { on(event: 'stats', listener: (stats: TftpStats) => void): Readable };
  }

  export function createServer(options: TftpOptions, listener?: (req: TftpGetStream, res: TftpPutStream) => void): TftpServer;
  export function createClient(options: TftpOptions): TftpClient;

  export const ENOENT: string;
  export const EACCESS: string;
  export const EIO: string;
}
