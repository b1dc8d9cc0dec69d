import { expect } from 'chai';
import { io } from 'socket.io-client';
import { createTestDatabase } from '../support/database';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { allLogs, expectProblem, strongPassword, totpCode } from './auth-fixtures';

/**
 * Exercises every path that handles a secret, with SQL logging on and the most verbose level,
 * then searches the whole log for each secret used.
 */
describe('Logs never contain passwords, tokens or TOTP seeds', () => {
  let t: TestApp;
  const secrets = new Map<string, string>();

  before(async () => {
    // The database is made here because overriding `database` replaces the harness's URL.
    const dataDir = tempDir();
    const database = await createTestDatabase(dataDir);
    t = await startTestApp({
      dataDir,
      database,
      overrides: { database: { url: database.url, logSql: true }, log: { level: 'trace' }, auth: { lockout: { delayMs: 5, maxAttempts: 3 } } },
    });
  });
  after(() => t.stop());

  it('holds none of the secrets used by setup, login, password change, TOTP, tokens and sockets', async () => {
    const adminPassword = strongPassword();
    const setupToken = t.setupToken()!;
    secrets.set('setup token', setupToken);
    secrets.set('admin password', adminPassword);
    const admin = t.client();
    const weak = await admin.post('/api/setup', { token: setupToken, email: 'root@example.test', displayName: 'Root', password: 'weakling' });
    expect(weak.status).to.equal(422);
    expect((await admin.post('/api/setup', { token: setupToken, email: 'root@example.test', displayName: 'Root', password: adminPassword })).status).to.equal(201);
    expect((await admin.login('root@example.test', 'a wrong password for the log')).status).to.equal(401);
    secrets.set('wrong password', 'a wrong password for the log');
    expect((await admin.login('root@example.test', adminPassword)).status).to.equal(200);
    secrets.set('session cookie', admin.cookie!.split('=')[1]);
    secrets.set('csrf token', admin.csrfToken!);

    const userPassword = strongPassword();
    secrets.set('user password', userPassword);
    const created = await admin.post('/api/users', { email: 'someone@example.test', displayName: 'Someone', password: userPassword, roles: ['agent'] });
    expect(created.status).to.equal(201);
    const resetPassword = strongPassword();
    secrets.set('reset password', resetPassword);
    expect((await admin.patch(`/api/users/${created.body.id}`, { password: resetPassword })).status).to.equal(200);

    const user = t.client();
    expect((await user.login('someone@example.test', resetPassword)).status).to.equal(200);
    const changedPassword = strongPassword();
    secrets.set('changed password', changedPassword);
    const change = await user.post('/api/auth/password', { currentPassword: resetPassword, newPassword: changedPassword });
    expect(change.status, change.text).to.equal(200);
    // A password change opens a new session (the old ones end): take its CSRF token.
    user.csrfToken = change.body.csrfToken;
    expectProblem(await user.post('/api/auth/totp/setup', {}, { 'x-csrf-token': 'stale' }), 403, 'csrf_token_invalid');

    const setup = await user.post('/api/auth/totp/setup');
    expect(setup.status, setup.text).to.equal(200);
    secrets.set('totp seed', setup.body.secret);
    expect((await user.post('/api/auth/totp/enable', { code: totpCode(setup.body.secret) })).status).to.equal(200);
    // The current code was used by the enrolment; the next step's code is accepted and not yet used.
    expect((await t.client().login('someone@example.test', changedPassword, totpCode(setup.body.secret, Date.now() + 30_000))).status).to.equal(200);

    const token = await admin.post('/api/auth/tokens', { name: 'log check' });
    secrets.set('api token', token.body.token);
    const script = t.client();
    script.bearer = token.body.token;
    expect((await script.get('/api/users')).status).to.equal(200);
    expect((await script.post('/api/roles', { name: 'from-script' })).status).to.equal(201);

    const socket = io(t.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: token.body.token } });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.disconnect();

    expect(t.app.cradle.sequelize.getDialect()).to.equal(t.database.dialect);
    const logs = allLogs(t);
    expect(logs).to.include('"sql"'); // SQL logging was really on…
    expect(logs).to.include('root@example.test'); // …and shows the values it queries with
    for (const [what, secret] of secrets) expect(logs.includes(secret), `the ${what} is in the logs`).to.equal(false);
  });
});
