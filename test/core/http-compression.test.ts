import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { findUiDist } from '../../core/http/ui-static';
import type { ApiClient } from '../support/api-client';
import { ensureUiBuilt } from '../support/browser';
import { startTestApp, type TestApp } from '../support/test-app';

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as sent, still encoded. */
  body: Buffer;
}

/** Decodes a body by its Content-Encoding (none: as it is). */
function decoded(answer: RawAnswer): Buffer {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return zlib.brotliDecompressSync(answer.body);
  if (encoding === 'gzip') return zlib.gunzipSync(answer.body);
  expect(encoding, 'content-encoding').to.equal(undefined);
  return answer.body;
}

/**
 * Compression over a real socket: the admin UI's files compressed once at build and sent to the
 * browsers that accept them, large JSON compressed on the fly, everything plain to clients that
 * do not ask for it. (Node's fetch always asks and decodes: node:http shows what is on the wire.)
 */
describe('Compressed responses over HTTP: the admin UI precompressed at build, large JSON on the fly', () => {
  let t: TestApp;
  let admin: ApiClient;
  let dist: string;

  before(async function () {
    this.timeout(180_000);
    ensureUiBuilt();
    dist = findUiDist()!;
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t.stop());

  function get(pathname: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      http
        .get(`${t.url}${pathname}`, { headers: { ...(admin.cookie ? { cookie: admin.cookie } : {}), ...headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });
  }

  const page = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  it("sends index.html and the UI's JS and CSS brotli- or gzip-encoded when accepted, plain otherwise", async () => {
    const index = fs.readFileSync(path.join(dist, 'index.html'));
    const assets = [...index.toString('utf8').matchAll(/\/assets\/[\w.-]+\.(?:js|css)/g)].map((m) => m[0]);
    expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), index.toString()).to.equal(true);
    let sent = 0;
    let raw = 0;
    for (const file of ['/', ...assets]) {
      const bytes = fs.readFileSync(path.join(dist, file === '/' ? 'index.html' : file));
      const type = file === '/' ? /^text\/html/ : file.endsWith('.js') ? /javascript/ : /^text\/css/;
      const cache = file === '/' ? 'no-cache' : 'public, max-age=31536000, immutable';
      for (const [accepted, expected] of [['br', 'br'], ['gzip', 'gzip'], ['gzip, deflate, br', 'br'], ['identity', undefined], [undefined, undefined]] as const) {
        const answer = await get(file, { ...page, ...(accepted ? { 'accept-encoding': accepted } : {}) });
        const what = `${file} with accept-encoding ${accepted}`;
        expect(answer.status, what).to.equal(200);
        expect(answer.headers['content-encoding'], what).to.equal(expected);
        expect(answer.headers['content-type'], what).to.match(type);
        expect(answer.headers['cache-control'], what).to.equal(cache);
        expect(answer.headers.vary, what).to.match(/accept-encoding/i);
        expect(Number(answer.headers['content-length']), what).to.equal(answer.body.length);
        expect(decoded(answer).equals(bytes), what).to.equal(true);
        if (accepted === 'gzip') {
          sent += answer.body.length;
          raw += bytes.length;
        }
      }
    }
    // The first load of the admin UI: about a quarter of its size, gzipped.
    expect(sent / raw).to.be.below(0.4);
  });

  it('compresses a large JSON answer on the fly, and leaves small ones and clients that do not ask plain', async () => {
    const plain = await get('/api/openapi.json');
    expect(plain.headers['content-encoding']).to.equal(undefined);
    expect(plain.body.length).to.be.above(10_000);
    const document = JSON.parse(plain.body.toString('utf8')) as unknown;
    for (const encoding of ['br', 'gzip'] as const) {
      const answer = await get('/api/openapi.json', { 'accept-encoding': encoding });
      expect(answer.headers['content-encoding'], encoding).to.equal(encoding);
      expect(answer.headers['content-type']).to.match(/^application\/json/);
      expect(answer.headers.vary).to.match(/accept-encoding/i);
      expect(answer.body.length, encoding).to.be.below(plain.body.length / 4);
      expect(JSON.parse(decoded(answer).toString('utf8'))).to.deep.equal(document);
    }
    const small = await get('/api/health', { 'accept-encoding': 'gzip, br' });
    expect(small.headers['content-encoding']).to.equal(undefined);
    expect(small.headers.vary).to.match(/accept-encoding/i);
    expect(JSON.parse(small.body.toString('utf8')).database.reachable).to.equal(true);
  });

  it('sends a streamed export as it is', async () => {
    const csv = await get('/api/calls/export.csv', { 'accept-encoding': 'gzip, br' });
    expect(csv.status).to.equal(200);
    expect(csv.headers['content-encoding']).to.equal(undefined);
    expect(csv.body.toString('utf8')).to.match(/^[a-zA-Z]/);
  });
});
