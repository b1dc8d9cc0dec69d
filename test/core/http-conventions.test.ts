import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { expect } from 'chai';
import { sendStream } from '../../core/http/stream-body';
import { startTestApp, type TestApp } from '../support/test-app';

describe('HTTP conventions', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ overrides: { http: { bodyLimit: '2kb', host: '127.0.0.1', port: 0 } } });
  });
  after(() => t.stop());

  it('answers health without auth: database, degraded telephony, plugins', async () => {
    const res = await t.client().get('/api/health');
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('degraded');
    expect(res.body.database).to.deep.include({ reachable: true, dialect: t.database.dialect });
    expect(res.body.telephony).to.include({ connected: false, state: 'not_configured' });
    expect(res.body.plugins).to.deep.equal([]);
  });

  it('answers unknown routes with a 404 problem document', async () => {
    const res = await t.client().get('/api/does-not-exist');
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/application\/problem\+json/);
    expect(res.body).to.include({ code: 'not_found', status: 404 });
    expect(res.body.requestId).to.equal(res.headers.get('x-request-id'));
  });

  it('answers a wrong method with 405 and the Allow header', async () => {
    const res = await t.client().delete('/api/health');
    expect(res.status).to.equal(405);
    expect(res.body.code).to.equal('method_not_allowed');
    expect(res.headers.get('allow')).to.include('GET');
  });

  it('refuses a body over the configured limit with 413', async () => {
    const res = await t.client().post('/api/auth/login', { email: 'x'.repeat(5000), password: 'y' });
    expect(res.status).to.equal(413);
    expect(res.body.code).to.equal('payload_too_large');
  });

  it('refuses malformed JSON with 400 malformed_body', async () => {
    const res = await t.client().request('POST', '/api/auth/login', '{"email":', { 'content-type': 'application/json' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('malformed_body');
  });

  describe('malformed bodies are the client\'s mistake: a problem document, never a 500', () => {
    const login = JSON.stringify({ email: 'nobody@example.test', password: 'wrong' });
    const send = async (body: string | Buffer, headers: Record<string, string>) => {
      const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers, body });
      return { status: res.status, type: res.headers.get('content-type'), headers: res.headers, body: (await res.json()) as { code: string } };
    };
    const cases: Array<[string, string | Buffer, Record<string, string>, number, string]> = [
      ['gzip header, plain body', login, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400, 'malformed_body'],
      ['deflate header, garbage', 'garbage', { 'content-type': 'application/json', 'content-encoding': 'deflate' }, 400, 'malformed_body'],
      ['br header, garbage', 'garbage', { 'content-type': 'application/json', 'content-encoding': 'br' }, 400, 'malformed_body'],
      ['truncated gzip', zlib.gzipSync(login).subarray(0, 15), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 400, 'malformed_body'],
      ['unknown coding', login, { 'content-type': 'application/json', 'content-encoding': 'bogus' }, 415, 'unsupported_content_encoding'],
      ['a coding named like an Object property', login, { 'content-type': 'application/json', 'content-encoding': 'constructor' }, 415, 'unsupported_content_encoding'],
      ['gzip over the limit once inflated', zlib.gzipSync(JSON.stringify({ email: 'x'.repeat(100_000) })), { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 413, 'payload_too_large'],
      ['text/plain on a JSON route', login, { 'content-type': 'text/plain' }, 415, 'unsupported_media_type'],
      ['no content type', login, {}, 415, 'unsupported_media_type'],
      ['latin-1 charset', login, { 'content-type': 'application/json; charset=iso-8859-1' }, 415, 'unsupported_charset'],
      ['unknown charset', login, { 'content-type': 'application/json; charset=bogus' }, 415, 'unsupported_charset'],
      ['bytes that are not UTF-8', Buffer.from('{"email":"\xff\xfe"}', 'latin1'), { 'content-type': 'application/json' }, 400, 'malformed_body'],
      ['a JSON string', '"x"', { 'content-type': 'application/json' }, 400, 'malformed_body'],
      ['invalid JSON', '{"email":', { 'content-type': 'application/json' }, 400, 'malformed_body'],
      ['a __proto__ key', '{"__proto__":{"admin":true}}', { 'content-type': 'application/json' }, 400, 'malformed_body'],
    ];
    for (const [name, body, headers, status, code] of cases) {
      it(`${name}: ${status} ${code}`, async () => {
        const res = await send(body, headers);
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.type).to.match(/application\/problem\+json/);
        expect(res.body.code).to.equal(code);
        if (code === 'unsupported_content_encoding') expect(res.headers.get('accept-encoding')).to.equal('gzip, deflate, br');
      });
    }

    it('answers 413 to a chunked body (no Content-Length) that grows past the limit', async () => {
      const chunks = Array.from({ length: 8 }, () => new TextEncoder().encode(`{"email":"${'x'.repeat(1000)}",`));
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(next);
          else controller.close();
        },
      });
      const res = await fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit);
      expect(res.status).to.equal(413);
      expect(((await res.json()) as { code: string }).code).to.equal('payload_too_large');
    });

    it('reads a gzip-compressed JSON body', async () => {
      const res = await send(zlib.gzipSync(login), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(res.body.code).to.equal('invalid_credentials');
    });
  });

  it('takes only canonical decimal integers as numeric path and query parameters', async () => {
    const admin = await t.adminClient();
    expect((await admin.get('/api/users/1')).status).to.equal(200);
    for (const id of ['0x1', '1e0', '01', '%201', '1.0', '+1', '0', '9007199254740992', '-1']) {
      const res = await admin.get(`/api/users/${id}`);
      expect(res.status, id).to.equal(422);
      expect(res.body.errors[0].field).to.equal('params.id');
    }
    for (const query of ['limit=1e1', 'limit=0x10', 'offset=0x0', 'limit=%2010', 'offset=1.5']) {
      const res = await admin.get(`/api/users?${query}`);
      expect(res.status, query).to.equal(422);
    }
    expect((await admin.get('/api/users?limit=10&offset=0')).status).to.equal(200);
  });

  it('answers a problem document when a streamed file cannot be read, and the server lives on', async () => {
    const missing = path.join(t.dataDir, 'gone.bin');
    t.app.cradle.routeTable.add('test', '/api/test', {
      id: 'test.stream', method: 'GET', path: '/stream', summary: 'A file that is gone', permission: 'public',
      handler: async ({ koa }) => sendStream(koa, fs.createReadStream(missing)),
    });
    const res = await t.client().get('/api/test/stream');
    expect(res.status).to.equal(500);
    expect(res.body.code).to.equal('internal_error');
    expect((await t.client().get('/api/health')).status).to.equal(200);
  });

  it('reports every invalid field of a request', async () => {
    const res = await t.client().post('/api/setup', { email: 'not-an-email' });
    expect(res.status).to.equal(422);
    expect(res.body.code).to.equal('validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).to.include.members(['body.token', 'body.email', 'body.displayName', 'body.password']);
  });

  it('keeps an incoming request id and sets security headers on every response', async () => {
    const res = await t.client().get('/api/health', { 'x-request-id': 'abc-123' });
    expect(res.headers.get('x-request-id')).to.equal('abc-123');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('content-security-policy')).to.include("default-src 'self'");
    expect(res.headers.get('content-security-policy')).not.to.include('upgrade-insecure-requests');
    expect(res.headers.get('cache-control')).to.equal('no-store');
  });

  it('writes structured JSON logs with the request id', async () => {
    await t.client().get('/api/health', { 'x-request-id': 'log-check-1' });
    const line = t.logs.find((l) => l.requestId === 'log-check-1' && l.msg === 'http request');
    expect(line).to.include({ method: 'GET', path: '/api/health', status: 200 });
  });

  it('documents every route in the OpenAPI document', async () => {
    const res = await t.client().get('/api/openapi.json');
    expect(res.status).to.equal(200);
    expect(res.body.openapi).to.equal('3.1.0');
    expect(res.body.paths['/api/users/{id}'].patch.operationId).to.equal('users.update');
    expect(res.body.paths['/api/users/{id}'].patch['x-permission']).to.equal('users.manage');
    expect(res.body.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).to.include('email');
  });

  it('serves the first-run page behind the printed setup link, and only its own files', async () => {
    const page = await t.client().get('/setup?token=abc');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/text\/html/);
    expect(page.text).to.include('<form id="setup"').and.include('<label for="password"');
    const script = await t.client().get('/setup/setup.js');
    expect(script.headers.get('content-type')).to.match(/javascript/);
    expect(script.text).to.include("fetch('/api/setup'");
    expect((await t.client().get('/setup/setup.html.bak')).status).to.equal(404);
    expect((await t.client().get('/setup/..%2F..%2Fapp.ts')).status).to.equal(404);
  });
});
