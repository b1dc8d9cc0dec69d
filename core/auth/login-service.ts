import { setTimeout as sleep } from 'node:timers/promises';
import type { CarillonConfig } from '../config/schema';
import { HttpError } from '../http/problem';
import type { AuditService } from '../audit/audit-service';
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
 * Password (and second factor) login. Each failure slows the next answer down, and too many
 * in a row lock the account for a while; admins see and lift the lock.
 */
export class LoginService {
  constructor(
    private readonly config: CarillonConfig,
    private readonly users: UserService,
    private readonly passwords: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly totp: TotpService,
    private readonly audit: AuditService,
  ) {}

  private lockedError(until: Date): HttpError {
    const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
    return new HttpError(
      423,
      'account_locked',
      'Account locked',
      `Too many failed logins. Try again in ${Math.ceil(seconds / 60)} minute(s), or ask an administrator to unlock the account.`,
      undefined,
      { 'Retry-After': String(seconds) },
    );
  }

  async login(attempt: LoginAttempt): Promise<OpenedSession> {
    const { lockout } = this.config.auth;
    const user = await this.users.findByEmail(attempt.email);
    const auditBase = { actor: attempt.email.slice(0, 191), ip: attempt.ip, requestId: attempt.requestId ?? null, target: user ? `user:${user.id}` : null };
    if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.audit.record({ ...auditBase, userId: user.id, action: 'auth.login.refused_locked', status: 423 });
      throw this.lockedError(user.lockedUntil);
    }
    const passwordOk = await this.passwords.verify(user?.passwordHash ?? null, attempt.password);
    let failure: HttpError | null = null;
    if (!user || !passwordOk) {
      failure = new HttpError(401, 'invalid_credentials', 'Login failed', 'The e-mail or the password is wrong.');
    } else if (user.totpEnabled) {
      if (!attempt.totpCode) {
        throw new HttpError(401, 'totp_required', 'Second factor required', 'Enter the 6-digit code from your authenticator app.');
      }
      if (!(await this.totp.check(user, attempt.totpCode))) {
        failure = new HttpError(401, 'totp_invalid', 'Login failed', 'The 6-digit code is wrong or has expired.');
      }
    }

    if (failure) {
      if (user) {
        // Counted by the database, not from the row read before the slow password check: otherwise
        // attempts sent in parallel all read the same count and the lock never comes.
        await User.increment('failedLogins', { by: 1, where: { id: user.id } });
        await user.reload({ attributes: ['failedLogins', 'lockedUntil'] });
        const failedLogins = user.failedLogins;
        const lock = failedLogins >= lockout.maxAttempts;
        if (lock) await user.update({ failedLogins: 0, lockedUntil: new Date(Date.now() + lockout.lockMinutes * 60_000) });
        await this.audit.record({ ...auditBase, userId: user.id, action: lock ? 'auth.login.locked' : 'auth.login.failed', status: 401 });
        await sleep(Math.min(lockout.delayMs * 2 ** (failedLogins - 1), 5_000));
        if (lock) throw this.lockedError(user.lockedUntil!);
      } else {
        await this.audit.record({ ...auditBase, action: 'auth.login.failed', status: 401 });
        await sleep(lockout.delayMs);
      }
      throw failure;
    }

    if (!user!.active) throw new HttpError(403, 'account_disabled', 'Account disabled', 'This account is disabled; ask an administrator.');
    await user!.update({ failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() });
    await this.audit.record({ ...auditBase, userId: user!.id, action: 'auth.login', status: 200 });
    return this.sessions.open(user!.id, attempt.ip, attempt.userAgent);
  }
}
