import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { ApiToken } from '../../core/auth/models';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { allLogs, createUser, expectProblem } from './auth-fixtures';

describe('Auth: personal API tokens over HTTP', () => {
  let t: TestApp;
  let admin: ApiClient;
  const issued: string[] = [];

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t.stop());

  const bearer = (token: string): ApiClient => {
    const client = t.client();
    client.bearer = token;
    return client;
  };

  it('shows the value once, lists tokens without it, and stores only a hash', async () => {
    const created = await admin.post('/api/auth/tokens', { name: 'reporting script', permissions: ['users.read'], expiresInDays: 30 });
    expect(created.status, created.text).to.equal(201);
    const token: string = created.body.token;
    issued.push(token);
    expect(token).to.match(/^crl_[A-Za-z0-9_-]{40,}$/);
    expect(created.body).to.include({ name: 'reporting script', active: true, prefix: token.slice(0, 12) });
    expect(created.body.permissions).to.deep.equal(['users.read']);
    expect(new Date(created.body.expiresAt).getTime()).to.be.above(Date.now() + 29 * 86_400_000);

    const list = await admin.get('/api/auth/tokens');
    expect(list.status).to.equal(200);
    const item = list.body.items.find((i: { id: number }) => i.id === created.body.id);
    expect(item).to.include({ name: 'reporting script', active: true });
    expect(item).not.to.have.property('token');
    expect(list.text).not.to.include(token);
    expect(list.text).not.to.include(token.slice(12));

    const rows = await t.app.cradle.sequelize.query<Record<string, unknown>>('SELECT * FROM api_tokens', { type: QueryTypes.SELECT });
    expect(rows).to.have.length.at.least(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.to.include(token);
    expect(stored).not.to.include(token.slice(12));
    const row = rows.find((r) => Number(r.id) === created.body.id)!;
    expect(row.token_hash).to.equal(createHash('sha256').update(token).digest('hex'));
  });

  it('limits a token to its permission subset', async () => {
    const created = await admin.post('/api/auth/tokens', { name: 'read users', permissions: ['users.read'] });
    issued.push(created.body.token);
    const script = bearer(created.body.token);
    const me = await script.get('/api/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body.via).to.equal('token');
    expect(me.body.csrfToken).to.equal(null);
    expect(me.body.permissions).to.deep.equal(['users.read']);
    expect((await script.get('/api/users')).status).to.equal(200);
    expectProblem(await script.post('/api/users', { email: 'scoped@example.test', displayName: 'x', roles: ['agent'] }), 403, 'forbidden');
    expectProblem(await script.get('/api/audit'), 403, 'forbidden');
    expectProblem(await script.get('/api/system/plugins'), 403, 'forbidden');
  });

  it('refuses a subset beyond what the owner holds, tokens minting tokens, and tokens changing login credentials', async () => {
    const agent = await createUser(t, admin, ['agent'], 'tok-agent');
    const beyond = await agent.client.post('/api/auth/tokens', { name: 'greedy', permissions: ['users.manage'] });
    expectProblem(beyond, 422, 'validation_failed');
    expect(beyond.body.errors[0]).to.include({ field: 'body.permissions', code: 'permission_not_held' });
    const wildcard = await agent.client.post('/api/auth/tokens', { name: 'wild', permissions: ['*'] });
    expectProblem(wildcard, 422, 'validation_failed');

    const all = await admin.post('/api/auth/tokens', { name: 'all of mine' });
    issued.push(all.body.token);
    const script = bearer(all.body.token);
    expectProblem(await script.post('/api/auth/tokens', { name: 'child' }), 403, 'session_required');
    // Nor may a token change how its owner logs in.
    expectProblem(await script.post('/api/auth/totp/setup'), 403, 'session_required');
    expectProblem(await script.post('/api/auth/totp/enable', { code: '123456' }), 403, 'session_required');
    expectProblem(await script.post('/api/auth/totp/disable', { password: 'whatever it is' }), 403, 'session_required');
    expectProblem(await script.post('/api/auth/password', { currentPassword: 'x', newPassword: 'y' }), 403, 'session_required');
    expect((await admin.get('/api/auth/me')).body.user.totpEnabled).to.equal(false);
  });

  describe('self-service routes (issue 12: a token acts only within its permissions)', () => {
    let owner: Awaited<ReturnType<typeof createUser>>;
    let other: { id: number; token: string };

    before(async () => {
      owner = await createUser(t, admin, ['manager'], 'tok-scope');
      const created = await owner.client.post('/api/auth/tokens', { name: 'other script' });
      expect(created.status, created.text).to.equal(201);
      other = { id: created.body.id, token: created.body.token };
      issued.push(other.token);
    });

    const mint = async (name: string, permissions?: string[]) => {
      const created = await owner.client.post('/api/auth/tokens', { name, ...(permissions ? { permissions } : {}) });
      expect(created.status, created.text).to.equal(201);
      issued.push(created.body.token);
      return bearer(created.body.token);
    };

    it('refuses every self-service route to a token scoped to another permission', async () => {
      const script = await mint('users reader', ['users.read']);
      const before = (await owner.client.get('/api/auth/me')).body.user;
      // Introspection stays open: whose token this is and what it may do.
      const me = await script.get('/api/auth/me');
      expect(me.status, me.text).to.equal(200);
      expect(me.body.permissions).to.deep.equal(['users.read']);

      expectProblem(await script.patch('/api/auth/me', { displayName: 'Hijacked' }), 403, 'forbidden');
      expectProblem(await script.patch('/api/auth/me/preferences', { locale: 'en' }), 403, 'forbidden');
      expectProblem(await script.get('/api/auth/tokens'), 403, 'forbidden');
      expectProblem(await script.delete(`/api/auth/tokens/${other.id}`), 403, 'forbidden');
      expectProblem(await script.post('/api/auth/tokens', { name: 'child', permissions: ['users.read'] }), 403, 'session_required');
      expectProblem(await script.post('/api/auth/password', { currentPassword: owner.password, newPassword: 'Another-strong-password-1' }), 403, 'session_required');
      expectProblem(await script.post('/api/auth/totp/setup'), 403, 'session_required');
      expectProblem(await script.post('/api/auth/totp/enable', { code: '123456' }), 403, 'session_required');
      expectProblem(await script.post('/api/auth/totp/disable', { password: owner.password }), 403, 'session_required');
      expectProblem(await script.post('/api/auth/logout'), 403, 'session_required');

      const after = (await owner.client.get('/api/auth/me')).body.user;
      expect(after).to.deep.equal(before);
      expect((await bearer(other.token).get('/api/users')).status, 'the other token still works').to.equal(200);
      const listed = (await owner.client.get('/api/auth/tokens')).body.items as Array<{ id: number; active: boolean }>;
      expect(listed.find((i) => i.id === other.id)!.active).to.equal(true);
    });

    it('lets a token granted account.profile and account.tokens use exactly those routes', async () => {
      const script = await mint('account keeper', ['account.profile', 'account.tokens']);
      const edited = await script.patch('/api/auth/me', { displayName: 'Renamed by script' });
      expect(edited.status, edited.text).to.equal(200);
      expect(edited.body.user.displayName).to.equal('Renamed by script');
      expect((await script.patch('/api/auth/me/preferences', { numberDisplay: 'international' })).status).to.equal(200);
      expect((await script.get('/api/auth/tokens')).status).to.equal(200);
      // Still no credential changes nor new tokens, and nothing beyond its grant.
      expectProblem(await script.post('/api/auth/tokens', { name: 'child' }), 403, 'session_required');
      expectProblem(await script.post('/api/auth/totp/setup'), 403, 'session_required');
      expectProblem(await script.get('/api/users'), 403, 'forbidden');
      const revoked = await script.delete(`/api/auth/tokens/${other.id}`);
      expect(revoked.status, revoked.text).to.equal(200);
      expectProblem(await bearer(other.token).get('/api/users'), 401, 'token_invalid');
    });

    it('gives a token with all of its owner\'s permissions the account ones too, and sessions always hold them', async () => {
      const script = await mint('everything');
      const me = await script.get('/api/auth/me');
      expect(me.body.permissions).to.include.members(['account.profile', 'account.tokens', 'users.read']);
      expect((await script.patch('/api/auth/me', { displayName: 'tok-scope' })).status).to.equal(200);
      expect((await owner.client.get('/api/auth/me')).body.permissions).to.include.members(['account.profile', 'account.tokens']);
      // Not role permissions: the catalogue and the role editor do not offer them.
      const catalogue = (await admin.get('/api/permissions')).body.items.map((p: { key: string }) => p.key);
      expect(catalogue).not.to.include('account.profile');
      expectProblem(await admin.post('/api/roles', { name: 'self-only', permissions: ['account.profile'] }), 422, 'validation_failed');
    });
  });

  it('follows its owner: permissions taken from the owner leave the token too', async () => {
    const manager = await createUser(t, admin, ['manager'], 'tok-manager');
    const created = await manager.client.post('/api/auth/tokens', { name: 'audit reader', permissions: ['audit.read', 'users.read'] });
    expect(created.status, created.text).to.equal(201);
    issued.push(created.body.token);
    const script = bearer(created.body.token);
    expect((await script.get('/api/audit')).status).to.equal(200);
    expect((await admin.patch(`/api/users/${manager.id}`, { roles: ['agent'] })).status).to.equal(200);
    expectProblem(await script.get('/api/audit'), 403, 'forbidden');
    expect((await script.get('/api/auth/me')).body.permissions).to.deep.equal([]);

    // A disabled owner's tokens stop working altogether.
    expect((await admin.patch(`/api/users/${manager.id}`, { active: false })).status).to.equal(200);
    expectProblem(await script.get('/api/auth/me'), 401, 'token_invalid');
  });

  it('is revocable by its owner only; a revoked token is refused', async () => {
    const created = await admin.post('/api/auth/tokens', { name: 'to revoke' });
    issued.push(created.body.token);
    const script = bearer(created.body.token);
    expect((await script.get('/api/auth/me')).status).to.equal(200);

    const other = await createUser(t, admin, ['agent'], 'tok-other');
    expectProblem(await other.client.delete(`/api/auth/tokens/${created.body.id}`), 404, 'not_found');
    expect((await script.get('/api/auth/me')).status).to.equal(200);

    const revoked = await admin.delete(`/api/auth/tokens/${created.body.id}`);
    expect(revoked.status).to.equal(200);
    expect(revoked.body.active).to.equal(false);
    expect(revoked.body.revokedAt).to.be.a('string');
    expectProblem(await script.get('/api/auth/me'), 401, 'token_invalid');
    const listed = (await admin.get('/api/auth/tokens')).body.items.find((i: { id: number }) => i.id === created.body.id);
    expect(listed.active).to.equal(false);
  });

  it('expires: refused once past its expiry, and an expiry in the past is refused at creation', async () => {
    const past = await admin.post('/api/auth/tokens', { name: 'already gone', expiresAt: new Date(Date.now() - 60_000).toISOString() });
    expectProblem(past, 422, 'validation_failed');
    expect(past.body.errors[0].field).to.equal('body.expiresAt');

    const created = await admin.post('/api/auth/tokens', { name: 'short lived', expiresInDays: 1 });
    issued.push(created.body.token);
    const script = bearer(created.body.token);
    expect((await script.get('/api/auth/me')).status).to.equal(200);
    // Move its expiry into the past rather than waiting for it.
    await ApiToken.update({ expiresAt: new Date(Date.now() - 1000) }, { where: { id: created.body.id } });
    expectProblem(await script.get('/api/auth/me'), 401, 'token_invalid');
    const listed = (await admin.get('/api/auth/tokens')).body.items.find((i: { id: number }) => i.id === created.body.id);
    expect(listed.active).to.equal(false);
  });

  it('refuses an unknown or malformed bearer with 401 token_invalid', async () => {
    expectProblem(await bearer('crl_thisIsNotARealTokenAtAllxxxxxxxxxxxxxxxxxxxxx').get('/api/auth/me'), 401, 'token_invalid');
    expectProblem(await bearer('garbage').get('/api/auth/me'), 401, 'token_invalid');
  });

  describe('logs', () => {
    it('never hold a token value', () => {
      const logs = allLogs(t);
      expect(issued.length).to.be.at.least(5);
      for (const token of issued) expect(logs.includes(token.slice(4)), 'a token is in the logs').to.equal(false);
    });
  });
});
