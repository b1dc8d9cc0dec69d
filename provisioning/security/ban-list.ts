import { Op } from 'sequelize';
import type { Logger } from '../../core/logging/logger';
import { ProvisioningBan } from '../models';

/** Guessing MACs, config-server credentials, or the site's secret path. */
export type BanReason = 'unknown_mac' | 'bad_credentials' | 'bad_path';

export interface BanSettings {
  threshold: number;
  windowSeconds: number;
  durationSeconds: number;
}

/** The line fail2ban matches (docs/provisioning.md): keep it stable. */
export function banLine(ip: string, reason: BanReason, settings: BanSettings, count: number): string {
  return `carillon provisioning ban: client=${ip} reason=${reason} count=${count} window=${settings.windowSeconds}s duration=${settings.durationSeconds}s`;
}

/** Where bans are kept so that a restart (or a crash) does not lift them. */
export interface BanStore {
  /** Bans still running at `now`. */
  load(now: Date): Promise<Array<{ ip: string; until: Date }>>;
  save(ip: string, reason: BanReason, until: Date): Promise<void>;
  /** Running bans with their reason and start, for the admin's list. */
  list(now: Date): Promise<ProvisioningBanView[]>;
  remove(ip: string): Promise<void>;
}

export interface ProvisioningBanView {
  address: string;
  reason: BanReason;
  bannedAt: string;
  expiresAt: string;
}

/** Bans in `provisioning_bans`; expired rows are dropped when loading. */
export const databaseBanStore: BanStore = {
  async load(now) {
    await ProvisioningBan.destroy({ where: { bannedUntil: { [Op.lte]: now } } });
    return (await ProvisioningBan.findAll()).map((ban) => ({ ip: ban.ip, until: ban.bannedUntil }));
  },
  async save(ip, reason, until) {
    await ProvisioningBan.upsert({ ip, reason, bannedUntil: until });
  },
  async list(now) {
    const rows = await ProvisioningBan.findAll({ where: { bannedUntil: { [Op.gt]: now } }, order: [['createdAt', 'DESC']] });
    return rows.map((ban) => ({ address: ban.ip, reason: ban.reason as BanReason, bannedAt: ban.createdAt.toISOString(), expiresAt: ban.bannedUntil.toISOString() }));
  },
  async remove(ip) {
    await ProvisioningBan.destroy({ where: { ip } });
  },
};

/**
 * Clients that ask for many unknown MACs (someone walking the MAC space to harvest SIP
 * passwords) or keep failing the config-server credentials: after `threshold` distinct
 * unknown MACs or failures within the window, every provisioning request from that address is
 * refused for the ban duration, and one line says so in the log for fail2ban to act on the
 * firewall too. Strikes are counted in memory; bans are read from memory on every request and
 * written to the store before the ban is answered, so they outlive a restart.
 */
export class BanList {
  private readonly strikes = new Map<string, Array<{ at: number; subject: string }>>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(
    private readonly settings: BanSettings,
    private readonly logger: Logger,
    private readonly store: BanStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes up the bans that were running when Carillon stopped. */
  async load(): Promise<void> {
    for (const ban of await this.store.load(new Date(this.now()))) this.bannedUntil.set(ban.ip, ban.until.getTime());
  }

  isBanned(ip: string): boolean {
    const until = this.bannedUntil.get(ip);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.bannedUntil.delete(ip);
    return false;
  }

  /** Records one strike; the same subject (MAC) counted once per window. Returns true when this strike bans the client. */
  async strike(ip: string, reason: BanReason, subject: string): Promise<boolean> {
    const now = this.now();
    const since = now - this.settings.windowSeconds * 1000;
    const list = (this.strikes.get(ip) ?? []).filter((s) => s.at > since);
    if (!list.some((s) => s.subject === `${reason}:${subject}`)) list.push({ at: now, subject: `${reason}:${subject}` });
    this.strikes.set(ip, list);
    this.prune(since);
    if (list.length < this.settings.threshold || this.isBanned(ip)) return false;
    const until = now + this.settings.durationSeconds * 1000;
    this.bannedUntil.set(ip, until);
    this.strikes.delete(ip);
    // A database that cannot take the write leaves the ban in memory (and with fail2ban): still answered as a ban.
    await this.store.save(ip, reason, new Date(until)).catch((err: unknown) => this.logger.error({ err, client: ip }, 'cannot record the provisioning ban; it holds until Carillon stops'));
    this.logger.warn({ component: 'provisioning', client: ip, reason, count: list.length }, banLine(ip, reason, this.settings, list.length));
    return true;
  }

  /** The bans running now, newest first. */
  list(): Promise<ProvisioningBanView[]> {
    return this.store.list(new Date(this.now()));
  }

  /** Lifts a ban (an admin's decision): the address starts again with no strike. False when it was not banned. */
  async lift(ip: string): Promise<boolean> {
    const banned = this.isBanned(ip) || (await this.store.list(new Date(this.now()))).some((b) => b.address === ip);
    this.bannedUntil.delete(ip);
    this.strikes.delete(ip);
    await this.store.remove(ip);
    if (banned) this.logger.info({ component: 'provisioning', client: ip }, 'provisioning ban lifted by an administrator');
    return banned;
  }

  /** Keeps memory bounded when many addresses strike once. */
  private prune(since: number): void {
    if (this.strikes.size < 10_000) return;
    for (const [ip, list] of this.strikes) if (!list.some((s) => s.at > since)) this.strikes.delete(ip);
  }
}
