import { expect } from 'chai';
import sinon from 'sinon';
import { User } from '../../core/auth/models';
import type { ApiClient, ApiResponse } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createUser, expectProblem, type CreatedUser } from './auth-fixtures';

/**
 * Issue 12, items 3 and 4, over real HTTP: the per-account lockout holds under concurrency, one
 * client is throttled before it can lock anyone out, and the answers do not tell which e-mails
 * exist. Clients are told apart by X-Forwarded-For (the app trusts its proxy here).
 */
describe('Auth: login lockout and per-client throttling', function () {
  // Every attempt, even on an unknown or locked account, costs a real argon2 verification.
  this.timeout(120_000);
  const MAX_ATTEMPTS = 5;
  const CLIENT_ATTEMPTS = 8;
  let t: TestApp;
  let admin: ApiClient;
  let checks: sinon.SinonSpy;
  let nextClient = 0;

  before(async () => {
    t = await startTestApp({
      overrides: {
        http: { trustProxy: true },
        auth: { lockout: { maxAttempts: MAX_ATTEMPTS, lockMinutes: 1, maxLockMinutes: 3, delayMs: 5 }, throttle: { accountAttempts: 3, clientAttempts: CLIENT_ATTEMPTS } },
      },
    });
    admin = await t.adminClient();
    checks = sinon.spy(t.app.cradle.passwordHasher, 'verify');
  });
  after(async () => {
    checks.restore();
    await t.stop();
  });

  /** A new client address for each call unless one is given. */
  const client = () => `198.51.${Math.floor(++nextClient / 250)}.${(nextClient % 250) + 1}`;
  const loginFrom = (ip: string, email: string, password: string): Promise<ApiResponse> =>
    t.client().post('/api/auth/login', { email, password }, { 'x-forwarded-for': ip });
  /** Passwords checked against a real hash (a locked or unknown account is checked against a dummy one). */
  const realChecks = () => checks.getCalls().filter((call) => call.args[0] !== null).length;
  const userRow = async (user: CreatedUser) => (await admin.get(`/api/users/${user.id}`)).body as { locked: boolean; lockedUntil: string | null; failedLogins: number };
  /** The account's locks from the audit log, oldest first. */
  const locks = async (user: CreatedUser) =>
    ((await admin.get(`/api/audit?action=auth.login.locked&userId=${user.id}`)).body.items as Array<{ at: string; details: { until: string; lockCount: number } }>).reverse();
  /** Ends a lock as time would, without waiting for it. */
  const expireLock = (user: CreatedUser) => User.update({ lockedUntil: new Date(Date.now() - 1000) }, { where: { id: user.id } });

  describe('item 3: at most maxAttempts passwords are checked before the lock', () => {
    it('checks exactly maxAttempts of 20 wrong guesses sent at once, and the right password is refused once locked', async () => {
      const user = await createUser(t, admin, ['agent'], 'burst');
      checks.resetHistory();
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => loginFrom(client(), user.email, `wrong guess ${i}`)));
      for (const res of answers) expectProblem(res, 401, 'invalid_credentials');
      expect(realChecks(), 'passwords checked against the real hash').to.equal(MAX_ATTEMPTS);

      const right = await loginFrom(client(), user.email, user.password);
      expectProblem(right, 401, 'invalid_credentials');
      expect(realChecks(), 'no check while locked').to.equal(MAX_ATTEMPTS);
      expect((await userRow(user)).locked).to.equal(true);
      const [lock] = await locks(user);
      expect(lock.details.lockCount).to.equal(1);
    });

    it('lets the right password in a concurrent mix in only as one of the maxAttempts checked', async () => {
      const user = await createUser(t, admin, ['agent'], 'mix');
      checks.resetHistory();
      const passwords = Array.from({ length: 20 }, (_, i) => (i === 12 ? user.password : `wrong mix ${i}`));
      const answers = await Promise.all(passwords.map((password) => loginFrom(client(), user.email, password)));
      expect(realChecks()).to.be.at.most(MAX_ATTEMPTS);
      const checkedRight = checks.getCalls().some((call) => call.args[0] !== null && call.args[1] === user.password);
      expect(answers[12].status, answers[12].text).to.equal(checkedRight ? 200 : 401);
      for (const res of answers.filter((_, i) => i !== 12)) expectProblem(res, 401, 'invalid_credentials');
      if (!checkedRight) expect((await userRow(user)).locked).to.equal(true);
    });
  });

  describe('item 4: per-client throttling comes first', () => {
    it('stops one client at accountAttempts, before the account locks; the owner still logs in from elsewhere', async () => {
      const user = await createUser(t, admin, ['agent'], 'throttled');
      const attacker = client();
      checks.resetHistory();
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => loginFrom(attacker, user.email, `attack ${i}`)));
      expect(answers.filter((res) => res.status === 401)).to.have.length(3);
      const refused = answers.filter((res) => res.status === 429);
      expect(refused).to.have.length(7);
      for (const res of refused) {
        expectProblem(res, 429, 'login_throttled');
        expect(Number(res.headers.get('retry-after'))).to.be.within(1, 15 * 60);
      }
      expect(realChecks()).to.equal(3);
      // Even the right password waits: the client's budget is spent, whoever it is.
      expectProblem(await loginFrom(attacker, user.email, user.password), 429, 'login_throttled');
      expect((await userRow(user)).locked).to.equal(false);
      expect((await loginFrom(client(), user.email, user.password)).status).to.equal(200);
      const [audited] = (await admin.get(`/api/audit?action=auth.login.throttled`)).body.items as Array<{ ip: string; details: { scope: string } }>;
      expect(audited).to.include({ ip: attacker });
      expect(audited.details.scope).to.equal('account');
    });

    it('counts one client over all e-mails (password spraying)', async () => {
      const sprayer = client();
      const answers = await Promise.all(Array.from({ length: CLIENT_ATTEMPTS + 3 }, (_, i) => loginFrom(sprayer, `spray-${i}@example.test`, 'Summer2026!')));
      expect(answers.filter((res) => res.status === 401)).to.have.length(CLIENT_ATTEMPTS);
      expect(answers.filter((res) => res.status === 429)).to.have.length(3);
      expectProblem(await loginFrom(sprayer, 'admin-spray@example.test', 'another guess'), 429, 'login_throttled');
    });

    it('keys an IPv6 client by its /64', async () => {
      const user = await createUser(t, admin, ['agent'], 'ipv6');
      const hosts = ['2001:db8:7:7::1', '2001:db8:7:7::2', '2001:db8:7:7:ffff::3', '2001:db8:7:7::4'];
      const answers = [];
      for (const host of hosts) answers.push(await loginFrom(host, user.email, `v6 guess ${host}`));
      expect(answers.map((res) => res.status)).to.deep.equal([401, 401, 401, 429]);
      expect((await loginFrom('2001:db8:7:8::1', user.email, user.password)).status).to.equal(200);
    });
  });

  describe('item 4: answers tell nothing about which e-mails exist', () => {
    const comparable = (res: ApiResponse) => {
      const { requestId: _requestId, ...body } = res.body as Record<string, unknown>;
      return { status: res.status, type: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), cookie: res.headers.getSetCookie().length, body };
    };

    it('answers a wrong password, an unknown e-mail and a locked account (even with the right password) alike', async () => {
      const open = await createUser(t, admin, ['agent'], 'open');
      const locked = await createUser(t, admin, ['agent'], 'locked');
      await Promise.all(Array.from({ length: MAX_ATTEMPTS }, (_, i) => loginFrom(client(), locked.email, `lock it ${i}`)));
      expect((await userRow(locked)).locked).to.equal(true);

      const wrong = comparable(await loginFrom(client(), open.email, 'not the password'));
      expect(wrong.status).to.equal(401);
      expect(comparable(await loginFrom(client(), 'nobody-here@example.test', 'not the password'))).to.deep.equal(wrong);
      expect(comparable(await loginFrom(client(), locked.email, 'not the password'))).to.deep.equal(wrong);
      expect(comparable(await loginFrom(client(), locked.email, locked.password))).to.deep.equal(wrong);
      // Unknown and locked e-mails still cost an argon2 verification (against a dummy hash).
      checks.resetHistory();
      await loginFrom(client(), 'nobody-here@example.test', 'x');
      await loginFrom(client(), locked.email, 'x');
      expect(checks.callCount).to.equal(2);
    });

    it('throttles unknown and existing e-mails after the same number of attempts, with the same answer', async () => {
      const user = await createUser(t, admin, ['agent'], 'same-throttle');
      const [a, b] = [client(), client()];
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        known.push((await loginFrom(a, user.email, `guess ${i}`)).status);
        unknown.push((await loginFrom(b, 'ghost-throttle@example.test', `guess ${i}`)).status);
      }
      expect(known).to.deep.equal([401, 401, 401, 429]);
      expect(unknown).to.deep.equal(known);
    });
  });

  describe('item 4: locks are short, grow, and admins see and lift them', () => {
    it('doubles the lock at each lock in a row up to maxLockMinutes; an admin unlock starts over', async () => {
      const user = await createUser(t, admin, ['agent'], 'progressive');
      const lockOnce = () => Promise.all(Array.from({ length: MAX_ATTEMPTS }, (_, i) => loginFrom(client(), user.email, `progressive ${i}`)));
      for (let i = 0; i < 3; i++) {
        await lockOnce();
        expect((await userRow(user)).locked, `lock ${i + 1}`).to.equal(true);
        await expireLock(user);
      }
      const minutes = (await locks(user)).map((lock) => (new Date(lock.details.until).getTime() - new Date(lock.at).getTime()) / 60_000);
      expect(minutes).to.have.length(3);
      expect(minutes[0]).to.be.closeTo(1, 0.05);
      expect(minutes[1]).to.be.closeTo(2, 0.05);
      expect(minutes[2]).to.be.closeTo(3, 0.05);

      await lockOnce();
      const unlocked = await admin.post(`/api/users/${user.id}/unlock`);
      expect(unlocked.status).to.equal(200);
      expect(unlocked.body).to.include({ locked: false, failedLogins: 0 });
      const [unlockAudit] = (await admin.get(`/api/audit?action=users.unlock`)).body.items;
      expect(unlockAudit).to.include({ target: `user:${user.id}` });
      expect((await loginFrom(client(), user.email, user.password)).status).to.equal(200);
      await lockOnce();
      const last = (await locks(user)).at(-1)!;
      expect(last.details.lockCount).to.equal(1);
      expect((new Date(last.details.until).getTime() - new Date(last.at).getTime()) / 60_000).to.be.closeTo(1, 0.05);
    });
  });
});

describe('Auth: login throttling without a trusted proxy', function () {
  this.timeout(60_000);
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ overrides: { auth: { throttle: { accountAttempts: 2 } } } });
  });
  after(() => t.stop());

  it('ignores X-Forwarded-For: a client cannot pass for many by forging it', async () => {
    const statuses: number[] = [];
    for (const forged of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      statuses.push((await t.client().post('/api/auth/login', { email: 'forger@example.test', password: 'a guess' }, { 'x-forwarded-for': forged })).status);
    }
    expect(statuses).to.deep.equal([401, 401, 429]);
  });
});
