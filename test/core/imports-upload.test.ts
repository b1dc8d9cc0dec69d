import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { HttpError } from '../../core/http/problem';
import { readUpload, receiveUpload } from '../../core/imports';
import { tempDir } from '../support/test-app';

/** A loopback server whose handler reads the upload with `read` and answers its outcome as JSON. */
async function withServer(read: (req: http.IncomingMessage) => Promise<unknown>, run: (url: string) => Promise<void>): Promise<void> {
  const server = http.createServer((req, res) => {
    read(req).then(
      (value) => res.end(JSON.stringify({ ok: value })),
      (err: unknown) => res.end(JSON.stringify(err instanceof HttpError ? { status: err.status, code: err.code } : { error: String(err) })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const post = async (url: string, body: Buffer | string, headers: Record<string, string> = { 'content-type': 'text/csv' }) =>
  (await (await fetch(url, { method: 'POST', body, headers })).json()) as Record<string, unknown>;

describe('Import facility: uploads (units, loopback)', () => {
  it('reads a small upload into memory, refusing compressed, JSON and oversized bodies', async () => {
    await withServer(async (req) => (await readUpload(req, 16)).toString(), async (url) => {
      expect(await post(url, 'Nom;Prénom\n')).to.deep.equal({ ok: 'Nom;Prénom\n' });
      expect(await post(url, 'x'.repeat(17))).to.deep.equal({ status: 413, code: 'import_too_large' });
      expect(await post(url, '{}', { 'content-type': 'application/json' })).to.deep.equal({ status: 415, code: 'unsupported_media_type' });
      expect(await post(url, 'a', { 'content-type': 'text/csv', 'content-encoding': 'gzip' })).to.deep.equal({ status: 415, code: 'unsupported_content_encoding' });
    });
  });

  it('streams a large upload to a private file, and leaves no partial file when it is too large', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'upload.csv');
    await withServer((req) => receiveUpload(req, file, 64 * 1024), async (url) => {
      // Sent in chunks without Content-Length: the limit is enforced while streaming.
      const chunks = (count: number) => new ReadableStream({ start(c) { for (let i = 0; i < count; i++) c.enqueue(Buffer.alloc(16 * 1024, 0x61)); c.close(); } });
      const send = async (count: number) => (await (await fetch(url, { method: 'POST', body: chunks(count), headers: { 'content-type': 'text/csv' }, duplex: 'half' } as RequestInit)).json()) as Record<string, unknown>;
      expect(await send(2)).to.deep.equal({ ok: 32 * 1024 });
      expect(fs.statSync(file).size).to.equal(32 * 1024);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      fs.rmSync(file);
      expect(await send(5)).to.deep.equal({ status: 413, code: 'import_too_large' });
      expect(fs.existsSync(file)).to.equal(false);
    });
  });
});
