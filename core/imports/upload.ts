import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/problem';

/**
 * Reads a small uploaded file (the raw request body, not multipart) into memory, refusing a
 * compressed or JSON body and anything over `maxBytes` before reading it all. Core's JSON body
 * parser leaves other bodies unread, so the request stream is still whole here.
 */
export async function readUpload(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const coding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (coding !== 'identity') throw new HttpError(415, 'unsupported_content_encoding', 'Unsupported content encoding', `Send the file as is, without Content-Encoding (it came as "${coding}"); nothing was changed.`);
  if (/[/+]json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the CSV file itself (text/csv), not JSON; nothing was changed.');
  const tooLarge = () => new HttpError(413, 'import_too_large', 'File too large', `An import file may hold at most ${maxBytes} bytes; nothing was changed.`);
  if (Number(req.headers['content-length'] ?? NaN) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
