import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../../../core/plugin-api';

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'import_too_large', 'File too large', `An import file may hold at most ${maxBytes} bytes; nothing was changed.`);
}

/**
 * Streams a request body to a file, never holding it in memory. Core's JSON body parser leaves
 * non-JSON bodies unread, so the raw request is still ours; the size limit is enforced here.
 */
export async function receiveUpload(req: IncomingMessage, file: string, maxBytes: number): Promise<number> {
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== 'identity') {
    throw new HttpError(415, 'unsupported_content_encoding', 'Unsupported content encoding', `Send the CSV file as is, without Content-Encoding (it came as "${coding}"); nothing was changed.`);
  }
  if (/[/+]json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new HttpError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the CSV file itself (text/csv), not JSON; nothing was changed.');
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
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
