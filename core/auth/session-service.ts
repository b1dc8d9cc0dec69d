import { Op } from 'sequelize';
import type { CarillonConfig } from '../config/schema';
import type { EventBus } from '../events/bus';
import { randomToken, sha256 } from '../security/secret-box';
import type { CredentialCaches } from './credential-cache';
import { Session } from './models';

export const SESSION_COOKIE = 'carillon_session';

export interface OpenedSession {
  /** The cookie value; only its hash is stored. */
  cookieValue: string;
  session: Session;
}

/** Browser sessions: stored server side by the hash of the cookie, with idle and absolute expiry. */
export class SessionService {
  constructor(
    private readonly config: CarillonConfig,
    private readonly events: EventBus,
    private readonly caches: CredentialCaches,
  ) {}

  private get idleMs(): number {
    return this.config.auth.sessionIdleMinutes * 60_000;
  }

  async open(userId: number, ip: string | null, userAgent: string | null): Promise<OpenedSession> {
    const cookieValue = randomToken(32);
    const now = new Date();
    const session = await Session.create({
      id: sha256(cookieValue),
      userId,
      csrfToken: randomToken(24),
      ip,
      userAgent: userAgent?.slice(0, 255) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.auth.sessionMaxHours * 3_600_000),
    });
    return { cookieValue, session };
  }

  /** The live session for a cookie value, or null when unknown, idle too long or expired. */
  async resolve(cookieValue: string): Promise<Session | null> {
    const id = sha256(cookieValue);
    const session = await this.caches.sessions.get(id, () => Session.findByPk(id));
    if (!session) return null;
    const now = Date.now();
    if (session.expiresAt.getTime() <= now || session.lastSeenAt.getTime() + this.idleMs <= now) {
      await Session.destroy({ where: { id } });
      return null;
    }
    // Writing on every request would cost a query each time; a minute's precision is enough for
    // idle expiry. Without hooks: the cached record is the one brought up to date.
    if (now - session.lastSeenAt.getTime() > 60_000) {
      session.lastSeenAt = new Date(now);
      await Session.update({ lastSeenAt: session.lastSeenAt }, { where: { id }, hooks: false });
    }
    return session;
  }

  async revoke(sessionId: string): Promise<void> {
    await Session.destroy({ where: { id: sessionId } });
    this.events.publish('auth.sessionRevoked', { sessionIds: [sessionId] });
  }

  async purgeExpired(): Promise<number> {
    const now = new Date();
    return Session.destroy({
      where: { [Op.or]: [{ expiresAt: { [Op.lte]: now } }, { lastSeenAt: { [Op.lte]: new Date(now.getTime() - this.idleMs) } }] },
    });
  }
}
