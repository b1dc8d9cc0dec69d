import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';
import { createUser, expectProblem, totpCode, type CreatedUser } from './auth-fixtures';

describe('Auth: one-use TOTP codes across restarts, lost-device reset, refused changes audited', () => {
  let t: TestApp;
  let admin: ApiClient;
  let user: CreatedUser;
  let secret: string;

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
    user = await createUser(t, admin, ['agent'], 'totp');
    secret = (await user.client.post('/api/auth/totp/setup')).body.secret;
    // Enrol with the previous period's code so that the current one is still unused for the login below.
    const enrol = await user.client.post('/api/auth/totp/enable', { code: totpCode(secret, Date.now() - 30_000) });
    expect(enrol.status, enrol.text).to.equal(200);
  });
  after(() => t?.stop());

  it('refuses a code already used, even after a restart', async () => {
    const code = totpCode(secret);
    expect((await t.client().login(user.email, user.password, code)).status).to.equal(200);
    await t.stop({ keepDatabase: true });
    t = await startTestApp({ database: t.database, dataDir: t.dataDir });
    expectProblem(await t.client().login(user.email, user.password, code), 401, 'totp_invalid');
    admin = t.client();
    await admin.login('admin@example.test', 'correct horse battery staple');
  });

  it('lets an admin turn off a lost second factor, and audits it', async () => {
    const reset = await admin.post(`/api/users/${user.id}/reset-totp`);
    expect(reset.status, reset.text).to.equal(200);
    expect(reset.body.totpEnabled).to.equal(false);
    expect((await t.client().login(user.email, user.password)).status).to.equal(200);
    const audit = await admin.get('/api/audit?action=users.resetTotp');
    expect(audit.body.items[0]).to.include({ action: 'users.resetTotp', target: `user:${user.id}`, status: 200 });
  });

  it('does the same from the CLI on a headless appliance', async () => {
    const client = t.client();
    await client.login(user.email, user.password);
    const again = (await client.post('/api/auth/totp/setup')).body.secret as string;
    expect((await client.post('/api/auth/totp/enable', { code: totpCode(again) })).status).to.equal(200);
    const bin = path.resolve(__dirname, '..', '..', 'bin', 'carillon.js');
    // Not spawnSync: the server runs in this process, and a blocked event loop for the CLI's
    // seconds let its keep-alive timer close the socket the next request was about to reuse.
    const res = await promisify(execFile)(process.execPath, [bin, 'user', 'reset-totp', '--email', user.email], {
      env: { ...process.env, CARILLON_DATA_DIR: t.dataDir, CARILLON_DATABASE_URL: t.database.url, CARILLON_LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });
    expect(res.stdout).to.include(`Two-factor login of ${user.email} is off`);
    expect((await t.client().login(user.email, user.password)).status).to.equal(200);
  });

  it('audits a change refused for lack of permission', async () => {
    const agent = t.client();
    await agent.login(user.email, user.password);
    expectProblem(await agent.post('/api/users', { email: 'x@example.test', displayName: 'X', roles: ['admin'] }), 403, 'forbidden');
    const audit = await admin.get(`/api/audit?userId=${user.id}&action=users.create`);
    expect(audit.body.items[0]).to.include({ action: 'users.create', status: 403, actor: user.email });
  });
});
