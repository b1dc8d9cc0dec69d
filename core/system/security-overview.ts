import { Op } from 'sequelize';
import type { Identity } from '../auth/authenticator';
import { User } from '../auth/models';
import { HttpError } from '../http/problem';
import type { SipBans, SipBansView } from '../telephony/host/sip-bans';
import type { BanList, ProvisioningBanView } from '../../provisioning/security/ban-list';

export interface LockedAccount {
  id: number;
  email: string;
  displayName: string;
  lockedUntil: string;
  failedLogins: number;
  /** Lockouts in a row: each lasts longer than the one before. */
  lockCount: number;
}

export interface SecurityOverview {
  /** fail2ban's bans (SIP and web jails), for users with telephony.read; else null. */
  fail2ban: SipBansView | null;
  /** Addresses refused by the provisioning service (walking MACs, bad credentials), for provisioning.read. */
  provisioning: ProvisioningBanView[] | null;
  /** Accounts locked after repeated wrong passwords, for users.read. */
  lockedAccounts: LockedAccount[] | null;
}

export const SECURITY_READ_PERMISSIONS = ['telephony.read', 'provisioning.read', 'users.read'] as const;

/**
 * Everything that keeps someone out, on one page: fail2ban's bans (read through the privileged
 * helper), provisioning bans, locked accounts. Each part only for users allowed to see it; the
 * actions are the existing routes of each part, with their own permissions and audit.
 */
export class SecurityOverviewService {
  constructor(
    private readonly sipBans: SipBans,
    private readonly provisioningBans: BanList,
  ) {}

  async forUser(identity: Identity, now = new Date()): Promise<SecurityOverview> {
    const may = (permission: string) => identity.permissions.has(permission);
    if (!SECURITY_READ_PERMISSIONS.some(may)) throw HttpError.forbidden(SECURITY_READ_PERMISSIONS.join(' or '));
    const [fail2ban, provisioning, locked] = await Promise.all([
      may('telephony.read') ? this.sipBans.view() : null,
      may('provisioning.read') ? this.provisioningBans.list() : null,
      may('users.read') ? findLockedAccounts(now) : null,
    ]);
    return { fail2ban, provisioning, lockedAccounts: locked };
  }
}

async function findLockedAccounts(now: Date): Promise<LockedAccount[]> {
  const users = await User.findAll({ where: { lockedUntil: { [Op.gt]: now } }, order: [['lockedUntil', 'DESC']] });
  return users.map((u) => ({ id: u.id, email: u.email, displayName: u.displayName, lockedUntil: u.lockedUntil!.toISOString(), failedLogins: u.failedLogins, lockCount: u.lockCount }));
}
