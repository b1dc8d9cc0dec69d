import { Op, literal } from 'sequelize';
import type { CarillonConfig } from '../config/schema';
import { User } from './models';

/** Column names for the SQL expressions below (the models map camelCase to snake_case). */
const column = (attribute: 'failedLogins' | 'lockCount') => User.getAttributes()[attribute].field!;

/**
 * The per-account lockout, kept in the users table so that every request and every restart sees
 * the same count. A password may be checked only after one conditional UPDATE has claimed one of
 * the account's `maxAttempts` checks, so concurrent requests can never check more than that; a
 * failure or a refused claim with all checks spent locks the account. Locks are short and double
 * at each lock in a row (`lockMinutes` up to `maxLockMinutes`); a successful login or an unlock
 * (admin today, an e-mailed link once mail exists: both call `UserService.unlock`) starts over.
 */
export class AccountLockout {
  constructor(private readonly config: CarillonConfig) {}

  /** True when this attempt may check the account's password; false while locked or spent. */
  async claim(userId: number): Promise<boolean> {
    const now = new Date();
    const [claimed] = await User.update(
      { failedLogins: literal(`${column('failedLogins')} + 1`) as unknown as number },
      {
        where: {
          id: userId,
          failedLogins: { [Op.lt]: this.config.auth.lockout.maxAttempts },
          [Op.or]: [{ lockedUntil: null }, { lockedUntil: { [Op.lte]: now } }],
        },
        silent: true,
      },
    );
    return claimed === 1;
  }

  /**
   * Gives a claimed check back: the password was right, but the login goes no further (a second
   * factor is asked for, the account is disabled). Not a guess that failed, so it must not bring
   * a lock on the person who knows the password; a wrong second factor is a failure, so codes
   * cannot be guessed without limit either.
   */
  async release(userId: number): Promise<void> {
    await User.update(
      { failedLogins: literal(`${column('failedLogins')} - 1`) as unknown as number },
      { where: { id: userId, failedLogins: { [Op.gt]: 0 } }, silent: true },
    );
  }

  /**
   * Locks the account when all its checks are claimed: after a failure, or when a claim was
   * refused (checks still in flight, or a count left at the maximum by a crash). Returns the lock
   * when this call set it; concurrent callers race on one conditional UPDATE, so a lock is
   * counted once.
   */
  async lockIfSpent(userId: number): Promise<{ until: Date; lockCount: number } | null> {
    const { maxAttempts, lockMinutes, maxLockMinutes } = this.config.auth.lockout;
    const row = await User.findByPk(userId, { attributes: ['failedLogins', 'lockCount'] });
    if (!row || row.failedLogins < maxAttempts) return null;
    const minutes = Math.min(lockMinutes * 2 ** row.lockCount, maxLockMinutes);
    const until = new Date(Date.now() + minutes * 60_000);
    const [locked] = await User.update(
      { failedLogins: 0, lockedUntil: until, lockCount: literal(`${column('lockCount')} + 1`) as unknown as number },
      { where: { id: userId, failedLogins: { [Op.gte]: maxAttempts }, lockCount: row.lockCount }, silent: true },
    );
    return locked === 1 ? { until, lockCount: row.lockCount + 1 } : null;
  }
}
