import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app';
import { allLogs, createUser, expectProblem, totpCode } from './auth-fixtures';

describe('Auth: login, lockout, TOTP and CSRF over HTTP', () => {
  let t: TestApp;
  let admin: ApiClient;
  const secrets: string[] = [];

  before(async () => {
    // Every attempt here comes from one client (loopback): its budget (auth.throttle, tested in
    // auth-lockout.test.ts) must not run out before the account's.
    t = await startTestApp({ overrides: { auth: { lockout: { delayMs: 5, maxAttempts: 3 }, throttle: { accountAttempts: 20, clientAttempts: 100 } } } });
    admin = await t.adminClient();
    secrets.push(ADMIN.password);
  });
  after(() => t.stop());

  describe('login', () => {
    it('sets an httpOnly, SameSite session cookie and returns the CSRF token', async () => {
      const client = t.client();
      const res = await client.login(ADMIN.email, ADMIN.password);
      expect(res.status).to.equal(200);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('carillon_session='));
      expect(cookie, 'session cookie').to.be.a('string');
      expect(cookie).to.match(/;\s*httponly/i);
      expect(cookie).to.match(/;\s*samesite=(lax|strict)/i);
      expect(cookie).to.match(/;\s*path=\//i);
      expect(res.body.csrfToken).to.be.a('string').with.length.above(20);
      expect(res.body.user).to.include({ email: ADMIN.email });
      expect(res.body.user).not.to.have.any.keys('passwordHash', 'totpSecret');
      // The cookie value is a secret of the browser: never echoed in a body.
      expect(res.text).not.to.include(client.cookie!.split('=')[1]);
      secrets.push(client.cookie!.split('=')[1]);

      const me = await client.get('/api/auth/me');
      expect(me.status).to.equal(200);
      expect(me.body.user.email).to.equal(ADMIN.email);
      expect(me.body.via).to.equal('session');
      expect(me.body.permissions).to.include('users.manage');
    });

    it('refuses a wrong password and an unknown e-mail alike, without a cookie', async () => {
      const wrong = await t.client().login(ADMIN.email, 'not the right password');
      expectProblem(wrong, 401, 'invalid_credentials');
      expect(wrong.headers.getSetCookie().some((c) => c.startsWith('carillon_session='))).to.equal(false);
      const unknown = await t.client().login('nobody@example.test', 'not the right password');
      expectProblem(unknown, 401, 'invalid_credentials');
      expect(unknown.body.detail).to.equal(wrong.body.detail);
      // The admin's counter went up once; a success resets it.
      await t.client().login(ADMIN.email, ADMIN.password);
    });

    it('answers an anonymous call to a protected route with 401 unauthenticated', async () => {
      expectProblem(await t.client().get('/api/auth/me'), 401, 'unauthenticated');
      expectProblem(await t.client().get('/api/users'), 401, 'unauthenticated');
      const forged = t.client();
      forged.cookie = 'carillon_session=forged-value';
      expectProblem(await forged.get('/api/auth/me'), 401, 'unauthenticated');
    });

    it('logout ends the session and clears the cookie', async () => {
      const client = t.client();
      await client.login(ADMIN.email, ADMIN.password);
      const cookie = client.cookie!;
      const res = await client.post('/api/auth/logout');
      expect(res.status).to.equal(204);
      expect(client.cookie).to.equal(null);
      const replay = t.client();
      replay.cookie = cookie;
      expectProblem(await replay.get('/api/auth/me'), 401, 'unauthenticated');
    });
  });

  describe('lockout', () => {
    it('locks after N failures, answering like a wrong password; admins see the lock and unlock lifts it', async () => {
      const user = await createUser(t, admin, ['agent'], 'lockme');
      secrets.push(user.password);
      const anon = t.client();
      for (const guess of ['wrong password 1', 'wrong password 2', 'wrong password 3']) expectProblem(await anon.login(user.email, guess), 401, 'invalid_credentials');

      // Even the right password is refused while locked, in the same words.
      const refused = await anon.login(user.email, user.password);
      expectProblem(refused, 401, 'invalid_credentials');
      expect(refused.headers.get('retry-after')).to.equal(null);

      const list = await admin.get(`/api/users?search=${encodeURIComponent(user.email)}`);
      expect(list.status).to.equal(200);
      const row = list.body.items.find((u: { id: number }) => u.id === user.id);
      expect(row.locked).to.equal(true);
      expect(new Date(row.lockedUntil).getTime()).to.be.above(Date.now());

      const unlock = await admin.post(`/api/users/${user.id}/unlock`);
      expect(unlock.status).to.equal(200);
      expect(unlock.body).to.include({ locked: false, lockedUntil: null, failedLogins: 0 });
      const again = await admin.get(`/api/users/${user.id}`);
      expect(again.body.locked).to.equal(false);
      expect((await anon.login(user.email, user.password)).status).to.equal(200);
    });

    it('locks even when the failures arrive all at once', async () => {
      const user = await createUser(t, admin, ['agent'], 'parallel');
      secrets.push(user.password);
      const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => t.client().login(user.email, `parallel wrong ${i}`)));
      for (const res of attempts) expectProblem(res, 401, 'invalid_credentials');
      expectProblem(await t.client().login(user.email, user.password), 401, 'invalid_credentials');
      const row = await admin.get(`/api/users/${user.id}`);
      expect(row.body.locked).to.equal(true);
    });

    it('refuses unlock to a user without users.manage', async () => {
      const agent = await createUser(t, admin, ['agent'], 'agent-unlock');
      secrets.push(agent.password);
      expectProblem(await agent.client.post(`/api/users/${agent.id}/unlock`), 403, 'forbidden');
    });
  });

  describe('TOTP second factor', () => {
    let user: Awaited<ReturnType<typeof createUser>>;
    let secret: string;

    before(async () => {
      user = await createUser(t, admin, ['agent'], 'totp');
      secrets.push(user.password);
    });

    it('enrols: setup returns a seed and QR code, a wrong code is refused, the right one enables it', async () => {
      const setup = await user.client.post('/api/auth/totp/setup');
      expect(setup.status).to.equal(200);
      secret = setup.body.secret;
      secrets.push(secret);
      expect(secret).to.match(/^[A-Z2-7]+=*$/);
      expect(setup.body.otpauthUrl).to.match(/^otpauth:\/\/totp\//).and.include(`secret=${secret}`);
      expect(setup.body.qrSvg).to.include('<svg');

      // Not enabled until confirmed: login still needs only the password.
      expect((await t.client().login(user.email, user.password)).status).to.equal(200);

      const bad = await user.client.post('/api/auth/totp/enable', { code: totpCode(secret, Date.now() - 3_600_000) });
      expectProblem(bad, 422, 'validation_failed');
      expect(bad.body.errors[0].field).to.equal('body.code');

      const ok = await user.client.post('/api/auth/totp/enable', { code: totpCode(secret) });
      expect(ok.status, ok.text).to.equal(200);
      expect((await user.client.get('/api/auth/me')).body.user.totpEnabled).to.equal(true);
    });

    it('then requires the code at login: missing, wrong, right, and a used code is not good twice', async () => {
      expectProblem(await t.client().login(user.email, user.password), 401, 'totp_required');
      expectProblem(await t.client().login(user.email, user.password, totpCode(secret, Date.now() - 3_600_000)), 401, 'totp_invalid');
      // The current code was used up by the enrolment; the next one is accepted (one step of clock drift).
      const next = totpCode(secret, Date.now() + 30_000);
      const client = t.client();
      const res = await client.login(user.email, user.password, next);
      expect(res.status, res.text).to.equal(200);
      expect((await client.get('/api/auth/me')).status).to.equal(200);
      // Replaying it (someone who saw it over a shoulder) fails.
      expectProblem(await t.client().login(user.email, user.password, next), 401, 'totp_invalid');
      // A wrong password with a code is still a plain credentials failure.
      expectProblem(await t.client().login(user.email, 'wrong password here', next), 401, 'invalid_credentials');
    });

    it('cannot be replaced or switched off with only a session: setup is refused while enabled', async () => {
      const res = await user.client.post('/api/auth/totp/setup');
      expectProblem(res, 409, 'totp_already_enabled');
      expectProblem(await t.client().login(user.email, user.password), 401, 'totp_required');
    });

    it('is switched off only with the password', async () => {
      const wrong = await user.client.post('/api/auth/totp/disable', { password: 'not my password at all' });
      expectProblem(wrong, 422, 'validation_failed');
      const ok = await user.client.post('/api/auth/totp/disable', { password: user.password });
      expect(ok.status).to.equal(200);
      expect((await t.client().login(user.email, user.password)).status).to.equal(200);
    });
  });

  describe('CSRF', () => {
    it('refuses a state-changing session call without the header or with a wrong one', async () => {
      const client = t.client();
      await client.login(ADMIN.email, ADMIN.password);
      const csrf = client.csrfToken!;
      client.csrfToken = null;
      expectProblem(await client.patch('/api/auth/me', { displayName: 'No header' }), 403, 'csrf_token_invalid');
      expectProblem(await client.patch('/api/auth/me', { displayName: 'Wrong header' }, { 'x-csrf-token': `${csrf.slice(0, -2)}xx` }), 403, 'csrf_token_invalid');
      // Another session's token does not fit this session.
      expectProblem(await client.patch('/api/auth/me', { displayName: 'Other' }, { 'x-csrf-token': admin.csrfToken! }), 403, 'csrf_token_invalid');
      expectProblem(await client.post('/api/users', { email: 'csrf@example.test', displayName: 'x', roles: ['agent'] }), 403, 'csrf_token_invalid');
      expect((await admin.get(`/api/users?search=csrf%40`)).body.total).to.equal(0);
      expectProblem(await client.post('/api/auth/logout'), 403, 'csrf_token_invalid');

      // Reads need no token; the right token is accepted.
      expect((await client.get('/api/auth/me')).status).to.equal(200);
      client.csrfToken = csrf;
      const ok = await client.patch('/api/auth/me', { displayName: 'Admin' });
      expect(ok.status, ok.text).to.equal(200);
    });

    it('needs no CSRF token for bearer calls', async () => {
      const created = await admin.post('/api/auth/tokens', { name: 'csrf-free' });
      expect(created.status).to.equal(201);
      secrets.push(created.body.token);
      const script = t.client();
      script.bearer = created.body.token;
      const res = await script.patch('/api/auth/me', { displayName: 'Admin' });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.via).to.equal('token');
    });
  });

  // Mocha runs a suite's own tests before its child suites: this one is a suite so it runs last.
  describe('logs', () => {
    it('never hold a password, session cookie, TOTP seed or token', () => {
      const logs = allLogs(t);
      expect(t.logs.length).to.be.above(10);
      expect(secrets.length).to.be.at.least(8);
      for (const secret of secrets) expect(logs.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the logs`).to.equal(false);
    });
  });
});

describe('Auth: Secure session cookie behind a TLS proxy', () => {
  let t: TestApp;
  before(async () => {
    // TLS ends at a proxy Carillon is not told to trust: it sees plain HTTP, yet must send Secure cookies.
    t = await startTestApp({ overrides: { auth: { secureCookies: 'always', lockout: { delayMs: 5 } } } });
  });
  after(() => t.stop());

  it("logs in and marks the cookie Secure with secureCookies 'always'", async () => {
    const client = await t.adminClient();
    const res = await client.login(ADMIN.email, ADMIN.password);
    expect(res.status, res.text).to.equal(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('carillon_session='));
    expect(cookie).to.match(/;\s*secure/i).and.match(/;\s*httponly/i);
  });
});
