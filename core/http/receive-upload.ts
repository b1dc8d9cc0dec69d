import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from './problem';
import { PRIVATE_FILE_MODE } from '../security/private-files';

export interface UploadRules {
  maxBytes: number;
  /** What the file is, in the errors: "a backup archive (.tar.gz)". */
  what: string;
}

function tooLarge(rules: UploadRules): HttpError {
  return new HttpError(413, 'upload_too_large', 'File too large', `This server accepts ${rules.what} of at most ${rules.maxBytes} bytes; nothing was changed.`);
}

/**
 * Streams a raw request body (not multipart: the UI's `http.upload`) to `file`, created
 * owner-only, never holding it in memory, refusing more than `maxBytes`. Core's JSON body parser
 * leaves non-JSON bodies unread, so the request is still unread here. On any failure the partial
 * file is removed.
 */
export async function receiveUpload(req: IncomingMessage, file: string, rules: UploadRules): Promise<number> {
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== 'identity') {
    req.resume();
    throw new HttpError(415, 'unsupported_content_encoding', 'Unsupported content encoding', `Send ${rules.what} as is, without Content-Encoding (it came as "${coding}"); nothing was changed.`);
  }
  if (/[/+]json\b|multipart\//i.test(req.headers['content-type'] ?? '')) {
    req.resume();
    throw new HttpError(415, 'unsupported_media_type', 'Unsupported media type', `Send ${rules.what} itself as the request body; nothing was changed.`);
  }
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > rules.maxBytes) {
    req.resume();
    throw tooLarge(rules);
  }
  let received = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > rules.maxBytes) done(tooLarge(rules));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(req, limiter, fs.createWriteStream(file, { mode: PRIVATE_FILE_MODE }));
  } catch (err) {
    fs.rmSync(file, { force: true });
    // A refusal mid-way: drain the rest, so the client reads the answer rather than a reset.
    if (err instanceof HttpError) {
      req.resume();
      throw err;
    }
    throw new HttpError(400, 'upload_interrupted', 'Upload interrupted', 'The file did not arrive completely; nothing was changed.');
  }
  if (received === 0) {
    fs.rmSync(file, { force: true });
    throw new HttpError(400, 'upload_empty', 'Empty upload', `The request body is empty: send ${rules.what}; nothing was changed.`);
  }
  return received;
}
