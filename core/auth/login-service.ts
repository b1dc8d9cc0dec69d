import { setTimeout as sleep } from 'node:timers/promises';
import type { CarillonConfig } from '../config/schema';
import { HttpError } from '../http/problem';
import type { AuditService } from '../audit/audit-service';
import type { AccountLockout } from './account-lockout';
import type { LoginThrottle } from './login-throttle';
import { User } from './models';
import { PasswordHasher } from './passwords';
import { SessionService, type OpenedSession } from './session-service';
import { TotpService } from './totp-service';
import { UserService } from './user-service';

export interface LoginAttempt {
  email: string;
  password: string;
  totpCode?: string;
  ip: string | null;
  userAgent: string | null;
  requestId?: string;
}

/**
 * Password (and second factor) login, in the order that keeps one attacker from locking anybody
 * out: the client's own budget first (LoginThrottle, 429), then the account's (AccountLockout,
 * claimed before the password is checked). A wrong password, an unknown e-mail and a locked
 * account give the same answer after the same work (an argon2 verification), so the answer never
 * tells which e-mails exist; admins see locks in the user list and the audit log, and lift them.
 */
export class LoginService {
  constructor(
    private readonly config: CarillonConfig,
    private readonly users: UserService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly totp: TotpService,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottle,
    private readonly lockout: AccountLockout,
  ) {}

  async login(attempt: LoginAttempt): Promise<OpenedSession> {
    const ip = attempt.ip ?? 'unknown';
    const auditBase = { actor: attempt.email.slice(0, 191), ip: attempt.ip, requestId: attempt.requestId ?? null };
    const budget = await this.throttle.claim(ip, attempt.email);
    if ('error' in budget) {
      if (budget.first) await this.audit.record({ ...auditBase, action: 'auth.login.throttled', status: 429, details: { scope: budget.scope } });
      throw budget.error;
    }

    const user = await this.users.findByEmail(attempt.email);
    const userAudit = { ...auditBase, userId: user?.id ?? null, target: user ? `user:${user.id}` : null };
    const lockIfSpent = async (id: number) => {
      const lock = await this.lockout.lockIfSpent(id);
      if (lock) await this.audit.record({ ...userAudit, action: 'auth.login.locked', details: { until: lock.until.toISOString(), lockCount: lock.lockCount } });
    };
    // Unknown e-mails and locked accounts check the password against a dummy hash: same work, same answer.
    const mayCheck = user ? await this.lockout.claim(user.id) : false;
    if (user && !mayCheck) await lockIfSpent(user.id);
    const passwordOk = await this.passwords.verify(mayCheck ? user!.passwordHash : null, attempt.password);
    if (!passwordOk) {
      if (mayCheck) await lockIfSpent(user!.id);
      await this.audit.record({ ...userAudit, action: user && !mayCheck ? 'auth.login.refused_locked' : 'auth.login.failed', status: 401 });
      // Grows with this client's attempts at this e-mail, the same whether the account exists or not.
      await sleep(Math.min(this.config.auth.lockout.delayMs * 2 ** (budget.accountAttempts - 1), 5_000));
      throw new HttpError(401, 'invalid_credentials', 'Login failed', 'The e-mail or the password is wrong. After too many failed attempts an account is locked for a few minutes; an administrator can unlock it.');
    }

    // The password was right: what follows may say so.
    const known = user as User;
    if (known.totpEnabled) {
      if (!attempt.totpCode) {
        await this.lockout.release(known.id);
        throw new HttpError(401, 'totp_required', 'Second factor required', 'Enter the 6-digit code from your authenticator app.');
      }
      if (!(await this.totp.check(known, attempt.totpCode))) {
        await lockIfSpent(known.id);
        await this.audit.record({ ...userAudit, action: 'auth.login.failed', status: 401, details: { factor: 'totp' } });
        throw new HttpError(401, 'totp_invalid', 'Login failed', 'The 6-digit code is wrong or has expired.');
      }
    }
    if (!known.active) {
      await this.lockout.release(known.id);
      throw new HttpError(403, 'account_disabled', 'Account disabled', 'This account is disabled; ask an administrator.');
    }

    // A static UPDATE: the instance still holds the count read before this attempt's claim.
    await User.update({ failedLogins: 0, lockedUntil: null, lockCount: 0, lastLoginAt: new Date() }, { where: { id: known.id } });
    await this.throttle.succeeded(budget);
    await this.audit.record({ ...userAudit, action: 'auth.login', status: 200 });
    return this.sessions.open(known.id, attempt.ip, attempt.userAgent);
  }
}
