import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/problem';

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'import_too_large', 'File too large', `An import file may hold at most ${maxBytes} bytes; nothing was changed.`);
}

/**
 * Refuses, before reading a byte, an upload that is not a plain file: compressed, JSON, or
 * announced larger than `maxBytes`. Core's JSON body parser leaves other bodies unread, so the
 * request stream is still whole for the readers below.
 */
function checkUpload(req: IncomingMessage, maxBytes: number): void {
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== 'identity') {
    throw new HttpError(415, 'unsupported_content_encoding', 'Unsupported content encoding', `Send the CSV file as is, without Content-Encoding (it came as "${coding}"); nothing was changed.`);
  }
  if (/[/+]json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the CSV file itself (text/csv), not JSON; nothing was changed.');
  }
  if (Number(req.headers['content-length'] ?? NaN) > maxBytes) throw tooLarge(maxBytes);
}

/** Reads a small upload (the raw request body, not multipart) into memory, at most `maxBytes`. */
export async function readUpload(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  checkUpload(req, maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Streams an upload (the raw request body) to a file readable by its owner only, never holding
 * it in memory: for files too large to hold, planned now and applied later. Returns its size; on
 * any failure the partial file is removed.
 */
export async function receiveUpload(req: IncomingMessage, file: string, maxBytes: number): Promise<number> {
  checkUpload(req, maxBytes);
  let received = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > maxBytes) done(tooLarge(maxBytes));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, limiter, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    fs.rmSync(file, { force: true });
    // A client that stops mid-way should get the reason, not a socket error: drain the rest.
    if (err instanceof HttpError) {
      req.resume();
      throw err;
    }
    throw new HttpError(400, 'upload_interrupted', 'Upload interrupted', 'The file did not arrive completely; nothing was changed.');
  }
  return received;
}
