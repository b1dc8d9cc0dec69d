import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { guardedLookup, refusedAddress, RefusedAddressError } from './address-guard';

export interface SendLimits {
  /** The whole exchange, connection to last byte read. */
  timeoutMs: number;
  /** Bytes of the answer read at most; the rest is not read (the connection is closed). */
  maxResponseBytes: number;
  /** What the delivery log keeps of the answer. */
  keptResponseChars: number;
}

export const DEFAULT_SEND_LIMITS: SendLimits = { timeoutMs: 10_000, maxResponseBytes: 64 * 1024, keptResponseChars: 1024 };

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** A stable code and a sentence when it failed before or beside an HTTP status. */
  error: string | null;
  response: string | null;
}

/**
 * One POST of a signed body. Redirects are never followed (a 3xx is a failure that says where it
 * pointed): a receiver moved to another host must be changed by an admin, not by the receiver.
 * Addresses are checked when the socket connects (see address-guard).
 */
export function sendWebhook(url: string, body: string, headers: Record<string, string>, options: { allowPrivate: boolean; limits?: SendLimits; signal?: AbortSignal }): Promise<SendResult> {
  const limits = options.limits ?? DEFAULT_SEND_LIMITS;
  const started = process.hrtime.bigint();
  const elapsed = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: Omit<SendResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const fail = (error: string, statusCode: number | null = null) => finish({ ok: false, statusCode, error: error.slice(0, 255), response: null });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return fail('invalid_url: the URL cannot be parsed');
    }
    const host = target.hostname.replace(/^\[|\]$/g, '');
    // IP literals never go through `lookup`: checked here.
    if (net.isIP(host)) {
      const kind = refusedAddress(host, options.allowPrivate);
      if (kind) return fail(`address_refused: ${new RefusedAddressError(host, kind).message}`);
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'Carillon-Webhooks/1' },
        lookup: guardedLookup(options.allowPrivate) as unknown as net.LookupFunction,
        agent: false,
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, limits.keptResponseChars);
          const ok = statusCode >= 200 && statusCode < 300;
          const redirect = statusCode >= 300 && statusCode < 400 ? `redirect_not_followed: answered ${statusCode} to ${String(response.headers.location ?? '').slice(0, 150)}` : null;
          finish({ ok, statusCode, error: ok ? null : (redirect ?? `http_status: answered ${statusCode}`), response: text || null });
          request.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          if (size >= limits.maxResponseBytes) return;
          chunks.push(chunk.subarray(0, limits.maxResponseBytes - size));
          size += chunk.length;
          // Enough read: a huge or endless answer does not keep the worker busy.
          if (size >= limits.maxResponseBytes) done();
        });
        response.on('end', done);
        response.on('error', (err) => fail(`network: ${err.message}`, statusCode));
      },
    );
    timer = setTimeout(() => {
      fail(`timeout: no complete answer within ${limits.timeoutMs} ms`);
      request.destroy();
    }, limits.timeoutMs);
    // Carillon stopping: the send is dropped (the caller releases the row for the next process).
    const abort = () => {
      fail('aborted: Carillon stopped during the send');
      request.destroy();
    };
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    request.on('close', () => options.signal?.removeEventListener('abort', abort));
    request.on('error', (err: Error & { code?: string }) => {
      if (err instanceof RefusedAddressError || err.code === 'address_refused') return fail(`address_refused: ${err.message}`);
      fail(`network: ${err.code ? `${err.code} ` : ''}${err.message}`);
    });
    request.end(body);
  });
}
