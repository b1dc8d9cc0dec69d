import type { Context } from 'koa';
import { parse as parseCookie } from 'cookie';
import { HttpError } from '../http/problem';
import { ApiTokenService } from './api-token-service';
import type { CachedAccount, CredentialCaches } from './credential-cache';
import { RoleService } from './role-service';
import { SessionService, SESSION_COOKIE } from './session-service';
import { User, UserRole } from './models';

/** Who is calling, and with which permissions. */
export interface Identity {
  user: User;
  permissions: Set<string>;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
  tokenId?: number;
  /** When the credential stops being valid at the latest (token expiry, session's absolute expiry). */
  expiresAt?: Date | null;
}

/** Resolves a request (cookie session or bearer token) or a socket handshake to an identity. */
export class Authenticator {
  constructor(
    private readonly sessions: SessionService,
    private readonly tokens: ApiTokenService,
    private readonly roles: RoleService,
    private readonly caches: CredentialCaches,
  ) {}

  /** An active user with the ids of its roles (cached; see CredentialCaches), or null. */
  private async activeAccount(userId: number): Promise<CachedAccount | null> {
    const account = await this.caches.accounts.get(userId, async () => {
      const [user, links] = await Promise.all([User.findByPk(userId), UserRole.findAll({ where: { userId }, attributes: ['roleId'] })]);
      return user ? { user, roleIds: links.map((link) => link.roleId) } : null;
    });
    return account?.user.active ? account : null;
  }

  async fromHeaders(headers: { authorization?: string; cookie?: string }, bearerOverride?: string): Promise<Identity | null> {
    const bearer = bearerOverride ?? /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer) {
      const token = await this.tokens.resolve(bearer);
      if (!token) throw new HttpError(401, 'token_invalid', 'Invalid API token', 'This API token is unknown, revoked or expired.');
      const account = await this.activeAccount(token.userId);
      if (!account) throw new HttpError(401, 'token_invalid', 'Invalid API token', 'The owner of this API token is disabled.');
      const permissions = this.tokens.scope(token, await this.roles.permissionsOfRoles(account.roleIds));
      return { user: account.user, permissions, via: 'token', tokenId: token.id, expiresAt: token.expiresAt };
    }
    const cookieValue = headers.cookie ? parseCookie(headers.cookie)[SESSION_COOKIE] : undefined;
    if (!cookieValue) return null;
    const session = await this.sessions.resolve(cookieValue);
    if (!session) return null;
    const account = await this.activeAccount(session.userId);
    if (!account) return null;
    return {
      user: account.user,
      permissions: await this.roles.permissionsOfRoles(account.roleIds),
      via: 'session',
      sessionId: session.id,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    };
  }

  /** Memoised per request, so middleware and handlers share one look-up. */
  async fromContext(ctx: Context): Promise<Identity | null> {
    const state = ctx.state as { identity?: Promise<Identity | null> };
    state.identity ??= this.fromHeaders({ authorization: ctx.get('authorization') || undefined, cookie: ctx.get('cookie') || undefined });
    return state.identity;
  }
}
