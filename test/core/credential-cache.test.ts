import { expect } from 'chai';
import sinon from 'sinon';
import { io } from 'socket.io-client';
import { CredentialCache } from '../../core/auth/credential-cache';
import { PROBE_REUSE_MS } from '../../core/system/database-probe';
import { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createUser, expectProblem, strongPassword, type CreatedUser } from './auth-fixtures';

const CREDENTIAL_TABLES = /\b(sessions|api_tokens|users|user_roles|roles|role_permissions|role_inherits)\b/;
/** A route behind a permission whose handler reads nothing: what it costs is the request path. */
const GUARDED = '/api/system/plugins';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('CredentialCache', () => {
  it('shares one load between concurrent misses and keeps the value', async () => {
    const cache = new CredentialCache<string, string>();
    let loads = 0;
    const load = async () => {
      loads++;
      await sleep(5);
      return 'value';
    };
    expect(await Promise.all([cache.get('k', load), cache.get('k', load), cache.get('k', load)])).to.deep.equal(['value', 'value', 'value']);
    expect(await cache.get('k', load)).to.equal('value');
    expect(loads).to.equal(1);
  });

  it('never keeps what a load begun before a clear() read (the row may be gone since)', async () => {
    const cache = new CredentialCache<string, string>();
    let release!: () => void;
    const slow = cache.get('k', () => new Promise<string>((resolve) => (release = () => resolve('stale'))));
    cache.clear();
    // A request after the clear does not join the load begun before it.
    const fresh = cache.get('k', async () => null);
    release();
    expect(await slow).to.equal('stale');
    expect(await fresh).to.equal(null);
    expect(await cache.get('k', async () => 'reloaded')).to.equal('reloaded');
  });

  it('reads again once its time is up, and never keeps an unknown key', async () => {
    const cache = new CredentialCache<string, string>(20);
    let loads = 0;
    await cache.get('k', async () => `v${++loads}`);
    await cache.get('unknown', async () => null);
    expect(await cache.get('unknown', async () => 'now known')).to.equal('now known');
    await sleep(30);
    expect(await cache.get('k', async () => `v${++loads}`)).to.equal('v2');
  });
});

describe('Request path: cached sessions and tokens, refused at once when revoked (HTTP and socket.io)', () => {
  let t: TestApp;
  let admin: ApiClient;
  const queries: string[] = [];

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
    t.app.cradle.sequelize.addHook('afterQuery', (_options, query) => void queries.push((query as unknown as { sql: string }).sql));
  });
  after(() => t.stop());

  /** A manager (holds plugins.read) with a session and an API token of their own. */
  async function userWithToken(roles = ['manager']): Promise<CreatedUser & { cookie: string; script: ApiClient }> {
    const user = await createUser(t, admin, roles, 'hot');
    const created = await user.client.post('/api/auth/tokens', { name: 'script' });
    expect(created.status, created.text).to.equal(201);
    const script = t.client();
    script.bearer = created.body.token as string;
    // Both credentials are now in the caches.
    for (const client of [user.client, script]) for (let i = 0; i < 3; i++) expect((await client.get(GUARDED)).status).to.equal(200);
    return { ...user, cookie: user.client.cookie!, script };
  }

  function withCookie(cookie: string): ApiClient {
    const client = t.client();
    client.cookie = cookie;
    return client;
  }

  /** The socket.io handshake's answer: 'connected', or the error the server gave. */
  function handshake(auth: { cookie?: string; token?: string }): Promise<string> {
    const socket = io(t.url, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: auth.cookie ? { cookie: auth.cookie } : {},
      ...(auth.token ? { auth: { token: auth.token } } : {}),
    });
    return new Promise((resolve) => {
      socket.once('connect', () => {
        socket.disconnect();
        resolve('connected');
      });
      socket.once('connect_error', (err) => resolve(err.message));
    });
  }

  it('answers repeated authenticated requests without a query on users, sessions, tokens or roles', async () => {
    const user = await userWithToken();
    queries.length = 0;
    const all = await Promise.all([
      ...Array.from({ length: 25 }, () => user.client.get(GUARDED)),
      ...Array.from({ length: 25 }, () => user.script.get(GUARDED)),
    ]);
    expect(all.map((res) => res.status)).to.deep.equal(Array(50).fill(200));
    expect(queries.filter((sql) => CREDENTIAL_TABLES.test(sql))).to.deep.equal([]);
  });

  it('asks the database for health at most once a second, and still reports it lost', async () => {
    await sleep(PROBE_REUSE_MS);
    queries.length = 0;
    const answers = await Promise.all(Array.from({ length: 20 }, () => t.client().get('/api/health')));
    for (let i = 0; i < 20; i++) answers.push(await t.client().get('/api/health'));
    expect(answers.every((res) => res.status === 200 && res.body.database.reachable === true)).to.equal(true);
    expect(queries.filter((sql) => sql === 'SELECT 1').length).to.be.at.most(2);
    // A healthy answer is logged at debug (monitors ask all the time), a failing one at info.
    const healthLines = () => t.logs.filter((line) => line.msg === 'http request' && line.path === '/api/health');
    expect(healthLines().every((line) => line.level === 'debug')).to.equal(true);

    const { sequelize } = t.app.cradle;
    const query = sequelize.query.bind(sequelize);
    const lost = sinon.stub(sequelize, 'query').callsFake(((sql: string, ...rest: unknown[]) =>
      sql === 'SELECT 1' ? Promise.reject(new Error('connection lost')) : (query as (...args: unknown[]) => unknown)(sql, ...rest)) as never);
    try {
      await sleep(PROBE_REUSE_MS + 50);
      const down = await t.client().get('/api/health');
      expect(down.status).to.equal(503);
      expect(down.body.database).to.include({ reachable: false, error: 'connection lost' });
      expect(healthLines().at(-1)).to.include({ level: 'info', status: 503 });
    } finally {
      lost.restore();
    }
    await sleep(PROBE_REUSE_MS + 50);
    expect((await t.client().get('/api/health')).body.database.reachable).to.equal(true);
  });

  it('refuses a token on the very next request after its revocation, also to a socket', async () => {
    const user = await userWithToken();
    const tokens = await user.client.get('/api/auth/tokens');
    // Requests in flight while it is revoked may pass; none after.
    const during = Array.from({ length: 10 }, () => user.script.get(GUARDED));
    const revoked = await user.client.delete(`/api/auth/tokens/${tokens.body.items[0].id}`);
    expect(revoked.status).to.equal(200);
    expectProblem(await user.script.get(GUARDED), 401, 'token_invalid');
    await Promise.all(during);
    expectProblem(await user.script.get(GUARDED), 401, 'token_invalid');
    expect(await handshake({ token: user.script.bearer! })).to.equal('token_invalid');
    expect((await user.client.get(GUARDED)).status).to.equal(200);
  });

  it('refuses a session on the very next request after logout, also to a socket', async () => {
    const user = await userWithToken();
    expect(await handshake({ cookie: user.cookie })).to.equal('connected');
    expect((await user.client.post('/api/auth/logout')).status).to.equal(204);
    expectProblem(await withCookie(user.cookie).get(GUARDED), 401, 'unauthenticated');
    expect(await handshake({ cookie: user.cookie })).to.equal('unauthenticated');
  });

  it('refuses the old sessions after a password change (own or by an admin)', async () => {
    const user = await userWithToken();
    const other = t.client();
    expect((await other.login(user.email, user.password)).status).to.equal(200);
    const otherCookie = other.cookie!;
    const newPassword = strongPassword();
    expect((await user.client.post('/api/auth/password', { currentPassword: user.password, newPassword })).status).to.equal(200);
    expectProblem(await withCookie(otherCookie).get(GUARDED), 401, 'unauthenticated');
    expectProblem(await withCookie(user.cookie).get(GUARDED), 401, 'unauthenticated');
    expect(await handshake({ cookie: otherCookie })).to.equal('unauthenticated');
    // The session the change opened works, until an admin sets another password.
    const current = user.client.cookie!;
    expect((await user.client.get(GUARDED)).status).to.equal(200);
    expect((await admin.patch(`/api/users/${user.id}`, { password: strongPassword() })).status).to.equal(200);
    expectProblem(await withCookie(current).get(GUARDED), 401, 'unauthenticated');
  });

  it('refuses sessions and tokens of a disabled user at once, then of a deleted one', async () => {
    const user = await userWithToken();
    expect((await admin.patch(`/api/users/${user.id}`, { active: false })).status).to.equal(200);
    expectProblem(await withCookie(user.cookie).get(GUARDED), 401, 'unauthenticated');
    expectProblem(await user.script.get(GUARDED), 401, 'token_invalid');
    expect(await handshake({ token: user.script.bearer! })).to.equal('token_invalid');

    const deleted = await userWithToken();
    expect((await admin.delete(`/api/users/${deleted.id}`)).status).to.equal(204);
    expectProblem(await deleted.script.get(GUARDED), 401, 'token_invalid');
    expectProblem(await withCookie(deleted.cookie).get(GUARDED), 401, 'unauthenticated');
    expect(await handshake({ token: deleted.script.bearer! })).to.equal('token_invalid');
  });

  it("applies a change of a role's permissions or of a user's roles on the very next request", async () => {
    expect((await admin.post('/api/roles', { name: 'hot-viewer', permissions: ['plugins.read'] })).status).to.equal(201);
    const viewer = await userWithToken(['hot-viewer']);
    expect((await admin.patch('/api/roles/hot-viewer', { permissions: [] })).status).to.equal(200);
    expectProblem(await viewer.client.get(GUARDED), 403, 'forbidden');
    expectProblem(await viewer.script.get(GUARDED), 403, 'forbidden');
    expect((await admin.patch('/api/roles/hot-viewer', { permissions: ['plugins.read'] })).status).to.equal(200);
    expect((await viewer.client.get(GUARDED)).status).to.equal(200);

    const manager = await userWithToken(['manager']);
    expect((await admin.patch(`/api/users/${manager.id}`, { roles: ['agent'] })).status).to.equal(200);
    expectProblem(await manager.client.get(GUARDED), 403, 'forbidden');
    expectProblem(await manager.script.get(GUARDED), 403, 'forbidden');
  });

  it("closes a user's sockets and sessions when an admin resets their second factor", async () => {
    const user = await userWithToken();
    const socket = io(t.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: user.cookie } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const closed = new Promise<string>((resolve) => socket.on('disconnect', (reason) => resolve(reason)));
    expect((await admin.post(`/api/users/${user.id}/reset-totp`)).status).to.equal(200);
    expectProblem(await withCookie(user.cookie).get(GUARDED), 401, 'unauthenticated');
    expect(await closed).to.equal('io server disconnect');
  });
});
