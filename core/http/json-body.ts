import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Context, Next } from 'koa';
import { HttpError } from './problem';

/** Content codings a client may compress a request body with (RFC 9110 §8.4.1). */
const DECODERS = new Map<string, () => NodeJS.ReadWriteStream>([
  ['gzip', () => zlib.createGunzip()],
  ['x-gzip', () => zlib.createGunzip()],
  ['deflate', () => zlib.createInflate()],
  ['br', () => zlib.createBrotliDecompress()],
]);
const UTF8 = new Set(['utf-8', 'utf8', 'us-ascii']);

const malformed = (detail: string) => new HttpError(400, 'malformed_body', 'Malformed request body', detail);
const tooLarge = () => new HttpError(413, 'payload_too_large', 'Payload too large', 'The request body is larger than this server accepts.');

/**
 * Reads a JSON request body into `ctx.request.body`. Every way a body can be wrong is the
 * client's mistake and gets a problem document, never a 500: an unknown content coding or charset
 * (415), compressed data that does not decompress, bytes that are not UTF-8, text that is not a
 * JSON object or array, or a `__proto__` key (400), more than `limit` bytes once decompressed (413).
 * Bodies of other types are left unread for the routes that stream them (CSV uploads).
 */
export function jsonBody(limit: number) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.request.is('json')) (ctx.request as { body?: unknown }).body = parse(decode(await read(ctx, limit)));
    await next();
  };
}

async function read(ctx: Context, limit: number): Promise<Buffer> {
  const charset = ctx.request.charset.toLowerCase();
  if (charset && !UTF8.has(charset)) {
    throw new HttpError(415, 'unsupported_charset', 'Unsupported charset', `JSON bodies are read as UTF-8; "${charset}" is not accepted.`);
  }
  const coding = (ctx.get('content-encoding') || 'identity').trim().toLowerCase();
  const decoder = coding === 'identity' ? null : DECODERS.get(coding);
  if (decoder === undefined) {
    throw new HttpError(415, 'unsupported_content_encoding', 'Unsupported content encoding', `The body's Content-Encoding "${coding}" is not accepted; send it as is, or gzip, deflate or br.`, undefined, {
      'Accept-Encoding': 'gzip, deflate, br',
    });
  }
  if (!decoder && (ctx.request.length ?? 0) > limit) throw tooLarge();
  let source: Readable = ctx.req;
  if (decoder) {
    const decoding = decoder() as unknown as Readable;
    ctx.req.on('error', (err) => decoding.destroy(err));
    source = ctx.req.pipe(decoding as unknown as NodeJS.WritableStream) as unknown as Readable;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Not destroyed on a refusal: the rest of the request is drained, so the client gets the answer.
    for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Checked on the decompressed size: a small gzip body must not become a large one in memory.
      if (size > limit) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (err) {
    if (decoder) {
      ctx.req.unpipe();
      source.destroy();
    }
    ctx.req.resume();
    if (err instanceof HttpError) throw err;
    throw malformed(decoder ? `The body does not decompress as ${coding} (${(err as Error).message}).` : 'The request body was not received in full.');
  }
  return Buffer.concat(chunks, size);
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Buffer): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw malformed('The request body is not valid UTF-8.');
  }
}

/** Keys that would reach an object's prototype if a handler ever merged the body into another object. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)) {
    throw malformed(`The request body holds the key "${key}", which is not accepted.`);
  }
  return value;
}

function parse(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (trimmed[0] !== '{' && trimmed[0] !== '[') throw malformed('The request body is not valid JSON: send an object or an array.');
  try {
    return /"(?:__proto__|constructor)"/.test(trimmed) ? JSON.parse(trimmed, refusePrototypeKeys) : JSON.parse(trimmed);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw malformed('The request body is not valid JSON.');
  }
}
