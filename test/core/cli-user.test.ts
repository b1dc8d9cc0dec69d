import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { expectProblem, strongPassword } from './auth-fixtures';
import { carillonAsync, type CliResult } from '../support/cli';


describe('CLI: user add and reset-password against a running Carillon', function () {
  // Each command starts a Node process that compiles TypeScript on the fly.
  this.timeout(60_000);
  let t: TestApp;
  let admin: ApiClient;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];
  const passwords: string[] = [];

  before(async () => {
    // One client (loopback) makes every attempt here: its own budget must not run out before the account's.
    t = await startTestApp({ overrides: { auth: { lockout: { delayMs: 5, maxAttempts: 2 }, throttle: { accountAttempts: 10 } } } });
    admin = await t.adminClient();
    // The same database and data folder as the server (so the same secret key), and no plugins.
    const empty = path.join(t.dataDir, 'no-plugins');
    const configFile = path.join(t.dataDir, 'cli.json');
    fs.writeFileSync(configFile, JSON.stringify({ plugins: { dir: empty, bundledDir: empty } }));
    // Only these CARILLON_* variables: anything else set in the developer's shell must not leak in.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CARILLON_')));
    env = { ...inherited, CARILLON_CONFIG: configFile, CARILLON_DATABASE_URL: t.database.url, CARILLON_DATA_DIR: t.dataDir, CARILLON_LOG_LEVEL: 'warn' };
  });
  after(() => t.stop());

  async function cli(args: string[], stdin: string): Promise<CliResult> {
    const result = await carillonAsync(args, { env, input: stdin });
    outputs.push(result.stdout, result.stderr);
    return result;
  }

  it('user add creates a user (password from stdin) who can then log in over HTTP', async () => {
    const password = strongPassword();
    passwords.push(password);
    const res = await cli(['user', 'add', '--email', 'Ops@Example.test', '--name', 'Operations', '--role', 'technician', 'supervisor'], `${password}\n`);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('ops@example.test').and.include('supervisor, technician');

    const client = t.client();
    const login = await client.login('ops@example.test', password);
    expect(login.status, login.text).to.equal(200);
    expect(login.body.user).to.include({ email: 'ops@example.test', displayName: 'Operations' });
    expect(login.body.user.roles).to.deep.equal(['supervisor', 'technician']);

    const audit = await admin.get('/api/audit?action=users.create');
    expect(audit.body.items[0]).to.include({ actor: 'cli', target: `user:${login.body.user.id}` });
  });

  it('refuses a weak password and an unknown user, with a message and a non-zero exit', async () => {
    // Independent failures, run side by side to keep the suite fast.
    const [weak, unknown] = await Promise.all([
      cli(['user', 'add', '--email', 'weak@example.test', '--role', 'agent'], 'short\n'),
      cli(['user', 'reset-password', '--email', 'nobody@example.test'], `${strongPassword()}\n`),
    ]);
    expect(weak.code).to.equal(1);
    expect(weak.stderr).to.include('password: The password must have at least');
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('nobody@example.test');

    const emails = (await admin.get('/api/users?limit=100')).body.items.map((u: { email: string }) => u.email);
    for (const email of ['weak@example.test', 'nobody@example.test']) expect(emails).not.to.include(email);
  });

  it('reset-password sets a new password, lifts the lock and closes the sessions', async () => {
    const oldPassword = strongPassword();
    const newPassword = strongPassword();
    passwords.push(oldPassword, newPassword);
    expect((await admin.post('/api/users', { email: 'forgetful@example.test', displayName: 'Forgetful', password: oldPassword, roles: ['agent'] })).status).to.equal(201);
    const session = t.client();
    expect((await session.login('forgetful@example.test', oldPassword)).status).to.equal(200);
    expectProblem(await t.client().login('forgetful@example.test', 'wrong password one'), 401, 'invalid_credentials');
    expectProblem(await t.client().login('forgetful@example.test', 'wrong password two'), 401, 'invalid_credentials');
    expect((await admin.get('/api/users?search=forgetful')).body.items[0].locked).to.equal(true);

    const res = await cli(['user', 'reset-password', '--email', 'FORGETFUL@example.test'], `${newPassword}\r\n`);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('forgetful@example.test');

    expectProblem(await session.get('/api/auth/me'), 401, 'unauthenticated');
    expectProblem(await t.client().login('forgetful@example.test', oldPassword), 401, 'invalid_credentials');
    expect((await t.client().login('forgetful@example.test', newPassword)).status).to.equal(200);
    const audit = await admin.get('/api/audit?action=users.resetPassword');
    expect(audit.body.items[0]).to.include({ actor: 'cli' });
  });

  it('user unlock lifts a lock caused by failed logins', async () => {
    const password = strongPassword();
    passwords.push(password);
    const created = await admin.post('/api/users', { email: 'locked-out@example.test', displayName: 'Locked out', password, roles: ['agent'] });
    expect(created.status).to.equal(201);
    for (const guess of ['wrong guess one', 'wrong guess two']) expectProblem(await t.client().login('locked-out@example.test', guess), 401, 'invalid_credentials');
    expectProblem(await t.client().login('locked-out@example.test', password), 401, 'invalid_credentials');

    const res = await cli(['user', 'unlock', '--email', 'Locked-Out@example.test'], '');
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include('locked-out@example.test is unlocked');
    expect((await admin.get(`/api/users/${created.body.id}`)).body).to.include({ locked: false, failedLogins: 0 });
    expect((await t.client().login('locked-out@example.test', password)).status).to.equal(200);
    const [audit] = (await admin.get('/api/audit?action=users.unlock')).body.items;
    expect(audit).to.include({ actor: 'cli', target: `user:${created.body.id}` });
  });

  it('never prints or logs the passwords it was given', () => {
    const printed = outputs.join('\n');
    const logs = t.logs.map((l) => JSON.stringify(l)).join('\n');
    for (const password of passwords) {
      expect(printed).not.to.include(password);
      expect(logs).not.to.include(password);
    }
  });
});
