import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app';
import { createUser, expectProblem, strongPassword } from './auth-fixtures';

interface AuditItem {
  id: number;
  at: string;
  userId: number | null;
  actor: string;
  action: string;
  target: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

describe('Audit log over HTTP', () => {
  let t: TestApp;
  let admin: ApiClient;
  let adminId: number;
  const passwords: string[] = [];

  before(async () => {
    t = await startTestApp({ overrides: { auth: { lockout: { delayMs: 5, maxAttempts: 2 } } } });
    admin = await t.adminClient();
    adminId = (await admin.get('/api/auth/me')).body.user.id;
  });
  after(() => t.stop());

  const audit = async (query = ''): Promise<AuditItem[]> => {
    const res = await admin.get(`/api/audit${query}`);
    expect(res.status, res.text).to.equal(200);
    return res.body.items as AuditItem[];
  };

  it('records the setup of the first administrator, with the source IP', async () => {
    const [row] = await audit('?action=setup.complete');
    expect(row).to.include({ userId: adminId, actor: ADMIN.email, action: 'setup.complete', target: `user:${adminId}`, status: 201 });
    expect(row.ip).to.match(/127\.0\.0\.1/);
  });

  it('records a state-changing admin request: user, action, target, IP, status, request id', async () => {
    const password = strongPassword();
    passwords.push(password);
    const created = await admin.post('/api/users', { email: 'audited@example.test', displayName: 'Audited', password, roles: ['agent'] }, { 'x-request-id': 'audit-create-1' });
    expect(created.status).to.equal(201);
    const [row] = await audit('?action=users.create');
    expect(row).to.include({
      userId: adminId,
      actor: ADMIN.email,
      action: 'users.create',
      target: `user:${created.body.id}`,
      method: 'POST',
      path: '/api/users',
      status: 201,
      requestId: 'audit-create-1',
    });
    expect(row.ip).to.match(/127\.0\.0\.1/);
    expect(new Date(row.at).getTime()).to.be.closeTo(Date.now(), 60_000);

    expect((await admin.patch(`/api/users/${created.body.id}`, { displayName: 'Renamed' })).status).to.equal(200);
    const [update] = await audit('?action=users.update');
    expect(update).to.include({ action: 'users.update', target: `user:${created.body.id}`, method: 'PATCH', status: 200, userId: adminId });

    expect((await admin.post('/api/roles', { name: 'audited-role', permissions: ['audit.read'] })).status).to.equal(201);
    const [role] = await audit('?action=roles.create');
    expect(role).to.include({ target: 'role:audited-role', status: 201 });
  });

  it('records refused changes with their status too', async () => {
    expectProblem(await admin.patch(`/api/users/${adminId}`, { active: false }), 409, 'last_admin');
    const [row] = await audit(`?action=users.update&userId=${adminId}`);
    expect(row).to.include({ status: 409, target: `user:${adminId}`, action: 'users.update' });
  });

  it('records changes made with an API token as such', async () => {
    const token = await admin.post('/api/auth/tokens', { name: 'audited script' });
    const [tokenRow] = await audit('?action=auth.tokens.create');
    expect(tokenRow).to.include({ target: `token:${token.body.id}`, status: 201 });
    const script = t.client();
    script.bearer = token.body.token;
    expect((await script.post('/api/roles', { name: 'by-script' })).status).to.equal(201);
    const [row] = await audit('?action=roles.create');
    expect(row).to.include({ target: 'role:by-script', userId: adminId });
    expect(row.details).to.deep.equal({ via: 'token', tokenId: token.body.id });
  });

  it('records failed logins, locks and successful logins, with the IP', async () => {
    const user = await createUser(t, admin, ['agent'], 'audit-login');
    passwords.push(user.password);
    expectProblem(await t.client().login(user.email, 'wrong password one'), 401, 'invalid_credentials');
    const [failed] = await audit(`?action=auth.login.failed&userId=${user.id}`);
    expect(failed).to.include({ userId: user.id, actor: user.email, target: `user:${user.id}`, status: 401 });
    expect(failed.ip).to.match(/127\.0\.0\.1/);

    // A lock answers like a wrong password (it must not tell which e-mails exist); admins see it here.
    expectProblem(await t.client().login(user.email, 'wrong password two'), 401, 'invalid_credentials');
    const [locked] = await audit(`?action=auth.login.locked`);
    expect(locked).to.include({ userId: user.id, target: `user:${user.id}` });
    expect(locked.details).to.include({ lockCount: 1 });
    expectProblem(await t.client().login(user.email, user.password), 401, 'invalid_credentials');
    const [refused] = await audit(`?action=auth.login.refused_locked`);
    expect(refused).to.include({ userId: user.id, status: 401 });

    expectProblem(await t.client().login('ghost@example.test', 'whatever it is'), 401, 'invalid_credentials');
    const ghost = (await audit('?action=auth.login.failed')).find((r) => r.actor === 'ghost@example.test')!;
    expect(ghost).to.include({ userId: null, target: null, status: 401 });

    const [ok] = await audit(`?action=auth.login&userId=${adminId}`);
    expect(ok.action.startsWith('auth.login')).to.equal(true);
    const logins = (await audit(`?userId=${user.id}`)).filter((r) => r.action === 'auth.login');
    expect(logins).to.have.length(1);
  });

  it('does not record reads, and keeps passwords out of the trail', async () => {
    const before = (await admin.get('/api/audit?limit=1')).body.total as number;
    await admin.get('/api/users');
    await admin.get('/api/roles');
    // Each GET /api/audit is a read too.
    expect((await admin.get('/api/audit?limit=1')).body.total).to.equal(before);
    const all = await admin.get('/api/audit?limit=500');
    for (const password of [...passwords, ADMIN.password]) expect(all.text).not.to.include(password);
  });

  it('is readable only with audit.read, and filters by user and action', async () => {
    const agent = await createUser(t, admin, ['agent'], 'audit-agent');
    expectProblem(await agent.client.get('/api/audit'), 403, 'forbidden');
    const mine = await audit(`?userId=${adminId}&action=users.`);
    expect(mine.length).to.be.at.least(3);
    for (const row of mine) {
      expect(row.userId).to.equal(adminId);
      expect(row.action.startsWith('users.')).to.equal(true);
    }
    const page = await admin.get('/api/audit?limit=2&offset=1');
    expect(page.body.items).to.have.length(2);
    expect(page.body.total).to.be.above(5);
  });
});
