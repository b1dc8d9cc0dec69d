import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app';
import { allLogs, createUser, expectProblem, strongPassword } from './auth-fixtures';

interface RoleRow {
  name: string;
  builtin: boolean;
  permissions: string[];
  inherits: string[];
  effectivePermissions: string[];
}

describe('Users, roles and permissions over HTTP', () => {
  let t: TestApp;
  let admin: ApiClient;

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t.stop());

  const roles = async (): Promise<Record<string, RoleRow>> => {
    const res = await admin.get('/api/roles');
    expect(res.status).to.equal(200);
    return Object.fromEntries((res.body.items as RoleRow[]).map((r) => [r.name, r]));
  };

  it('refuses a route to a user without its permission (403 forbidden), and nothing changes', async () => {
    const agent = await createUser(t, admin, ['agent'], 'agent');
    const res = await agent.client.post('/api/users', { email: 'sneaky@example.test', displayName: 'Sneaky', roles: ['admin'] });
    expectProblem(res, 403, 'forbidden');
    expect(res.body.detail).to.include('users.manage');
    expectProblem(await agent.client.get('/api/users'), 403, 'forbidden');
    expectProblem(await agent.client.patch(`/api/users/${agent.id}`, { roles: ['admin'] }), 403, 'forbidden');
    expectProblem(await agent.client.post('/api/roles', { name: 'mine', permissions: ['users.manage'] }), 403, 'forbidden');
    expect((await admin.get('/api/users?search=sneaky')).body.total).to.equal(0);
    expect((await admin.get(`/api/users/${agent.id}`)).body.roles).to.deep.equal(['agent']);
    // Own profile needs no permission.
    expect((await agent.client.get('/api/auth/me')).status).to.equal(200);
  });

  it('ships the default roles; admin holds every permission; manager inherits supervisor inherits agent', async () => {
    const all = await roles();
    expect(Object.keys(all)).to.include.members(['admin', 'manager', 'supervisor', 'agent', 'accountant', 'technician']);
    for (const name of ['admin', 'manager', 'supervisor', 'agent', 'accountant', 'technician']) expect(all[name].builtin).to.equal(true);
    const catalogue = (await admin.get('/api/permissions')).body.items.map((p: { key: string }) => p.key).sort();
    expect(catalogue).to.include.members(['users.read', 'users.manage', 'roles.manage', 'audit.read', 'system.read', 'plugins.read']);
    expect(all.admin.effectivePermissions).to.deep.equal(catalogue);
    expect(all.manager.inherits).to.deep.equal(['supervisor']);
    expect(all.supervisor.inherits).to.deep.equal(['agent']);
    // system.read is granted to supervisor, so manager holds it by inheritance.
    expect(all.supervisor.permissions).to.include('system.read');
    expect(all.manager.effectivePermissions).to.include.members(['system.read', 'users.read', 'audit.read']);
    expect(all.manager.effectivePermissions).not.to.include('users.manage');

    const manager = await createUser(t, admin, ['manager'], 'mgr');
    const me = await manager.client.get('/api/auth/me');
    expect(me.body.permissions).to.include.members(['system.read', 'users.read', 'audit.read']);
    expect((await manager.client.get('/api/users')).status).to.equal(200);
    expectProblem(await manager.client.post('/api/users', { email: 'm2@example.test', displayName: 'x', roles: ['agent'] }), 403, 'forbidden');
  });

  it('creates, changes and deletes a custom role; inheritance takes effect at once', async () => {
    const created = await admin.post('/api/roles', { name: 'auditor', description: 'Reads the audit log', permissions: ['audit.read'] });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ name: 'auditor', builtin: false });
    expect(created.body.permissions).to.deep.equal(['audit.read']);

    const lead = await admin.post('/api/roles', { name: 'team-lead', permissions: ['users.read'], inherits: ['auditor', 'agent'] });
    expect(lead.status, lead.text).to.equal(201);
    expect(lead.body.effectivePermissions).to.include.members(['audit.read', 'users.read']);

    const user = await createUser(t, admin, ['team-lead'], 'lead');
    expect((await user.client.get('/api/audit')).status).to.equal(200);

    // Taking the permission from the inherited role takes it from the user, without a new login.
    const changed = await admin.patch('/api/roles/auditor', { permissions: [] });
    expect(changed.status, changed.text).to.equal(200);
    expectProblem(await user.client.get('/api/audit'), 403, 'forbidden');
    expect((await admin.patch('/api/roles/auditor', { permissions: ['audit.read'] })).status).to.equal(200);
    expect((await user.client.get('/api/audit')).status).to.equal(200);

    expectProblem(await admin.post('/api/roles', { name: 'auditor' }), 409, 'role_exists');
    const unknownPerm = await admin.post('/api/roles', { name: 'bogus', permissions: ['no.such-permission'] });
    expectProblem(unknownPerm, 422, 'validation_failed');
    expect(unknownPerm.body.errors[0]).to.include({ field: 'body.permissions', code: 'unknown_permission' });
    const unknownRole = await admin.post('/api/roles', { name: 'bogus', inherits: ['ghost'] });
    expectProblem(unknownRole, 422, 'validation_failed');
    expect(unknownRole.body.errors[0]).to.include({ field: 'body.inherits', code: 'unknown_role' });
    const badName = await admin.post('/api/roles', { name: 'Bad Name' });
    expectProblem(badName, 422, 'validation_failed');
    expect(badName.body.errors[0].field).to.equal('body.name');

    const renamed = await admin.patch('/api/roles/auditor', { name: 'log-reader', description: 'renamed' });
    expect(renamed.status, renamed.text).to.equal(200);
    expect((await roles())['team-lead'].inherits).to.include('log-reader');

    expectProblem(await admin.delete('/api/roles/team-lead'), 409, 'role_in_use');
    expect((await admin.patch(`/api/users/${user.id}`, { roles: ['agent'] })).status).to.equal(200);
    expect((await admin.delete('/api/roles/team-lead')).status).to.equal(204);
    expect((await admin.delete('/api/roles/log-reader')).status).to.equal(204);
    expect(await roles()).not.to.have.any.keys('team-lead', 'log-reader');
    expectProblem(await admin.delete('/api/roles/team-lead'), 404, 'not_found');
  });

  it('protects the built-in roles', async () => {
    expectProblem(await admin.delete('/api/roles/agent'), 409, 'role_protected');
    expectProblem(await admin.patch('/api/roles/admin', { permissions: ['users.read'] }), 409, 'role_protected');
    expectProblem(await admin.patch('/api/roles/manager', { name: 'boss' }), 409, 'role_protected');
  });

  it('refuses inheritance cycles, direct and indirect', async () => {
    expect((await admin.post('/api/roles', { name: 'cycle-a' })).status).to.equal(201);
    expect((await admin.post('/api/roles', { name: 'cycle-b', inherits: ['cycle-a'] })).status).to.equal(201);
    expect((await admin.post('/api/roles', { name: 'cycle-c', inherits: ['cycle-b'] })).status).to.equal(201);
    const self = await admin.patch('/api/roles/cycle-a', { inherits: ['cycle-a'] });
    expectProblem(self, 422, 'validation_failed');
    expect(self.body.errors[0]).to.include({ field: 'body.inherits', code: 'inheritance_cycle' });
    const indirect = await admin.patch('/api/roles/cycle-a', { inherits: ['cycle-c'] });
    expectProblem(indirect, 422, 'validation_failed');
    expect(indirect.body.errors[0].code).to.equal('inheritance_cycle');
    // Built-in chain too: agent cannot inherit manager.
    expectProblem(await admin.patch('/api/roles/agent', { inherits: ['manager'] }), 422, 'validation_failed');
    expect((await roles())['cycle-a'].inherits).to.deep.equal([]);
  });

  it('never lets the last active administrator go', async () => {
    const me = (await admin.get('/api/auth/me')).body.user;
    expectProblem(await admin.patch(`/api/users/${me.id}`, { roles: ['manager'] }), 409, 'last_admin');
    expectProblem(await admin.patch(`/api/users/${me.id}`, { active: false }), 409, 'last_admin');
    expectProblem(await admin.delete(`/api/users/${me.id}`), 409, 'cannot_delete_self');

    // Once a second admin exists and is demoted again, the first is the last one once more.
    const second = await createUser(t, admin, ['admin'], 'admin2');
    expect((await admin.patch(`/api/users/${second.id}`, { roles: ['manager'] })).status).to.equal(200);
    expectProblem(await admin.patch(`/api/users/${me.id}`, { roles: ['manager'] }), 409, 'last_admin');
    expect((await admin.get(`/api/users/${me.id}`)).body).to.include({ active: true });
  });

  it('counts only active administrators as a replacement', async () => {
    const me = (await admin.get('/api/auth/me')).body.user;
    const other = await createUser(t, admin, ['admin'], 'admin3');
    // With another active admin, the first may step down, and back up.
    expect((await other.client.patch(`/api/users/${me.id}`, { roles: ['admin', 'manager'] })).status).to.equal(200);
    expect((await admin.patch(`/api/users/${other.id}`, { active: false })).status).to.equal(200);
    expectProblem(await admin.patch(`/api/users/${me.id}`, { roles: ['manager'] }), 409, 'last_admin');
    expect((await admin.get(`/api/users/${me.id}`)).body.roles).to.include('admin');
  });

  it('lets users.manage hand out only the permissions its holder has', async () => {
    // The helpdesk holds what an agent holds (so it may hand out the agent role) plus user management.
    const helpdesk = await admin.post('/api/roles', { name: 'helpdesk', permissions: ['users.read', 'users.manage'], inherits: ['agent'] });
    expect(helpdesk.status).to.equal(201);
    const desk = await createUser(t, admin, ['helpdesk'], 'desk');
    const adminId = (await admin.get('/api/auth/me')).body.user.id as number;

    // Creating an agent is within its reach…
    const agent = await desk.client.post('/api/users', { email: 'made-by-desk@example.test', displayName: 'Agent', roles: ['agent'], password: strongPassword() });
    expect(agent.status, agent.text).to.equal(201);
    // …making anyone an admin, or taking over an admin, is not.
    expectProblem(await desk.client.patch(`/api/users/${desk.id}`, { roles: ['admin'] }), 403, 'permission_not_held');
    expectProblem(await desk.client.post('/api/users', { email: 'evil@example.test', displayName: 'x', roles: ['admin'] }), 403, 'permission_not_held');
    expectProblem(await desk.client.patch(`/api/users/${adminId}`, { password: strongPassword() }), 403, 'permission_not_held');
    expectProblem(await desk.client.delete(`/api/users/${adminId}`), 403, 'permission_not_held');
    expect((await desk.client.get('/api/auth/me')).body.permissions).not.to.include('audit.read');
    expect((await t.client().login(ADMIN.email, ADMIN.password)).status).to.equal(200);

    // The same for roles.manage: no granting beyond one's own permissions.
    expect((await admin.patch('/api/roles/helpdesk', { permissions: ['users.read', 'users.manage', 'roles.manage'] })).status).to.equal(200);
    expectProblem(await desk.client.patch('/api/roles/helpdesk', { permissions: ['users.read', 'users.manage', 'roles.manage', 'audit.read'] }), 403, 'permission_not_held');
    expectProblem(await desk.client.patch('/api/roles/helpdesk', { inherits: ['admin'] }), 403, 'permission_not_held');
    expectProblem(await desk.client.post('/api/roles', { name: 'escalate', inherits: ['manager'] }), 403, 'permission_not_held');
    const own = await desk.client.post('/api/roles', { name: 'desk-junior', permissions: ['users.read'] });
    expect(own.status, own.text).to.equal(201);
  });

  it('validates user input field by field and refuses a taken e-mail', async () => {
    const res = await admin.post('/api/users', { email: 'not-an-email', displayName: '', roles: ['ghost'], password: 'short' });
    expectProblem(res, 422, 'validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).to.include.members(['body.email', 'body.displayName']);
    const weak = await admin.post('/api/users', { email: 'weak@example.test', displayName: 'Weak', roles: ['agent'], password: 'short' });
    expectProblem(weak, 422, 'validation_failed');
    expect(weak.body.errors[0]).to.include({ field: 'body.password', code: 'password_too_weak' });
    const ghost = await admin.post('/api/users', { email: 'ghost@example.test', displayName: 'Ghost', roles: ['ghost'] });
    expectProblem(ghost, 422, 'validation_failed');
    expect(ghost.body.errors[0]).to.include({ field: 'body.roles', code: 'unknown_role' });
    expectProblem(await admin.post('/api/users', { email: ADMIN.email.toUpperCase(), displayName: 'Dup', roles: ['agent'] }), 409, 'email_taken');

    // A password holding the e-mail name is refused, but a two-letter name does not forbid those letters.
    const named = await admin.post('/api/users', { email: 'alice@example.test', displayName: 'Alice', roles: ['agent'], password: 'xx-Alice-2024-yy' });
    expectProblem(named, 422, 'validation_failed');
    expect(named.body.errors[0].message).to.include('e-mail name');
    const short = await admin.post('/api/users', { email: 'jo@example.test', displayName: 'Jo', roles: ['agent'], password: 'enjoy the long journey 42' });
    expect(short.status, short.text).to.equal(201);
  });

  it('grants a permission that appears while running to its default roles at once', async () => {
    const agent = await createUser(t, admin, ['agent'], 'late-perm');
    expect((await agent.client.get('/api/auth/me')).body.permissions).not.to.include('lateplugin.view');
    // What the plugin host does when a plugin is enabled for the first time while Carillon runs.
    const { permissionCatalogue } = t.app.cradle;
    permissionCatalogue.add('lateplugin', [{ key: 'lateplugin.view', description: 'See it', defaultRoles: ['agent'] }]);
    await permissionCatalogue.persist('lateplugin');
    expect((await agent.client.get('/api/auth/me')).body.permissions).to.include('lateplugin.view');
    expect((await roles()).agent.permissions).to.include('lateplugin.view');
  });

  it('disabling a user ends their sessions', async () => {
    const user = await createUser(t, admin, ['agent'], 'disable');
    expect((await user.client.get('/api/auth/me')).status).to.equal(200);
    expect((await admin.patch(`/api/users/${user.id}`, { active: false })).status).to.equal(200);
    expectProblem(await user.client.get('/api/auth/me'), 401, 'unauthenticated');
    expectProblem(await t.client().login(user.email, user.password), 403, 'account_disabled');
  });
});

describe('First-run setup link', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.stop());

  it('is announced (not logged) while no user exists, and GET /api/setup says it is needed', async () => {
    const token = t.setupToken();
    expect(token).to.be.a('string').with.length.above(20);
    expect(allLogs(t)).not.to.include(token!);
    const res = await t.client().get('/api/setup');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ needed: true });
    expectProblem(await t.client().post('/api/auth/login', { email: ADMIN.email, password: ADMIN.password }), 401, 'invalid_credentials');
  });

  it('refuses a wrong token, keeps the right one after a failed attempt, and works once', async () => {
    const token = t.setupToken()!;
    const body = { email: ADMIN.email, displayName: 'First', password: ADMIN.password };
    expectProblem(await t.client().post('/api/setup', { ...body, token: `${token}x` }), 403, 'setup_token_invalid');
    const weak = await t.client().post('/api/setup', { ...body, token, password: 'weak' });
    expectProblem(weak, 422, 'validation_failed');
    expect(weak.body.errors[0].field).to.equal('body.password');

    const ok = await t.client().post('/api/setup', { ...body, token });
    expect(ok.status, ok.text).to.equal(201);
    expect(ok.body.user).to.include({ email: ADMIN.email });
    expect(ok.body.user.roles).to.deep.equal(['admin']);

    const again = await t.client().post('/api/setup', { ...body, email: 'second@example.test', token });
    expect(again.status).to.be.oneOf([403, 409]);
    expect(again.body.code).to.be.oneOf(['setup_already_done', 'setup_token_invalid']);
    expect((await t.client().get('/api/setup')).body).to.deep.equal({ needed: false });

    const admin = t.client();
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).to.equal(200);
    const users = await admin.get('/api/users');
    expect(users.body.total).to.equal(1);
  });

  it('stays unusable after a restart once an administrator exists', async () => {
    expect(await t.app.cradle.setupService.issueToken()).to.equal(null);
    const res = await t.client().post('/api/setup', { token: t.setupToken()!, email: 'late@example.test', displayName: 'Late', password: strongPassword() });
    expectProblem(res, 409, 'setup_already_done');
  });
});
