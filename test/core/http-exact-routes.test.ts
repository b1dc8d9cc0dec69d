import { expect } from 'chai';
import { PUBLIC } from '../../core/auth/permissions';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Routes without parameters are found by one map look-up (core/http/app.ts); the router's own
 * order must still decide which route answers, and everything else about it must stay the same.
 */
describe('HTTP dispatch of routes without parameters', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
    const table = t.app.cradle.routeTable;
    table.add('test', '/api/dispatch', { id: 'test.byName', method: 'GET', path: '/:name', summary: 'by name', permission: PUBLIC, handler: ({ koa }) => ({ by: 'name', name: koa.params.name }) });
    // Declared after a pattern that matches it: the pattern keeps answering, as with the router.
    table.add('test', '/api/dispatch', { id: 'test.fixed', method: 'GET', path: '/fixed', summary: 'fixed', permission: PUBLIC, handler: () => ({ by: 'fixed' }) });
    table.add('test', '/api/dispatch-exact', { id: 'test.exact', method: 'GET', path: '/', summary: 'exact', permission: PUBLIC, handler: ({ koa }) => ({ by: 'exact', params: koa.params }) });
    table.add('test', '/api/dispatch-exact', { id: 'test.private', method: 'GET', path: '/private', summary: 'private', permission: 'users.read', handler: () => ({}) });
  });
  after(() => t.stop());

  it('keeps the order of declaration, the params object, HEAD, 405 and permissions', async () => {
    const client = t.client();
    expect((await client.get('/api/dispatch/fixed')).body).to.deep.equal({ by: 'name', name: 'fixed' });
    expect((await client.get('/api/dispatch-exact')).body).to.deep.equal({ by: 'exact', params: {} });
    const head = await fetch(`${t.url}/api/dispatch-exact`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    const post = await client.post('/api/dispatch-exact', {});
    expect(post.status).to.equal(405);
    expect(post.headers.get('allow')).to.include('GET');
    expect((await client.get('/api/dispatch-exact/private')).status).to.equal(401);
    expect((await client.get('/api/dispatch-exact?x=1')).body.by).to.equal('exact');
  });
});
