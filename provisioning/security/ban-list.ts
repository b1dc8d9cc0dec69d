import type { Logger } from '../../core/logging/logger';

export type BanReason = 'unknown_mac' | 'bad_credentials';

export interface BanSettings {
  threshold: number;
  windowSeconds: number;
  durationSeconds: number;
}

/** The line fail2ban matches (docs/provisioning.md): keep it stable. */
export function banLine(ip: string, reason: BanReason, settings: BanSettings, count: number): string {
  return `carillon provisioning ban: client=${ip} reason=${reason} count=${count} window=${settings.windowSeconds}s duration=${settings.durationSeconds}s`;
}

/**
 * Clients that ask for many unknown MACs (someone walking the MAC space to harvest SIP
 * passwords) or keep failing the config-server credentials: after `threshold` distinct
 * unknown MACs or failures within the window, every provisioning request from that address is
 * refused for the ban duration, and one line says so in the log for fail2ban to act on the
 * firewall too. State is in memory: a restart lifts bans, which fail2ban keeps anyway.
 */
export class BanList {
  private readonly strikes = new Map<string, Array<{ at: number; subject: string }>>();
  private readonly bannedUntil = new Map<string, number>();

  constructor(
    private readonly settings: BanSettings,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  isBanned(ip: string): boolean {
    const until = this.bannedUntil.get(ip);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.bannedUntil.delete(ip);
    return false;
  }

  /** Records one strike; the same subject (MAC) counted once per window. Returns true when this strike bans the client. */
  strike(ip: string, reason: BanReason, subject: string): boolean {
    const now = this.now();
    const since = now - this.settings.windowSeconds * 1000;
    const list = (this.strikes.get(ip) ?? []).filter((s) => s.at > since);
    if (!list.some((s) => s.subject === `${reason}:${subject}`)) list.push({ at: now, subject: `${reason}:${subject}` });
    this.strikes.set(ip, list);
    this.prune(since);
    if (list.length < this.settings.threshold || this.isBanned(ip)) return false;
    this.bannedUntil.set(ip, now + this.settings.durationSeconds * 1000);
    this.strikes.delete(ip);
    this.logger.warn({ component: 'provisioning', client: ip, reason, count: list.length }, banLine(ip, reason, this.settings, list.length));
    return true;
  }

  /** Keeps memory bounded when many addresses strike once. */
  private prune(since: number): void {
    if (this.strikes.size < 10_000) return;
    for (const [ip, list] of this.strikes) if (!list.some((s) => s.at > since)) this.strikes.delete(ip);
  }
}
