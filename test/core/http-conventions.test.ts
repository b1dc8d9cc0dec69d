import { expect } from 'chai';
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
