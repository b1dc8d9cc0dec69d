import type { Context } from 'koa';
import { parse as parseCookie } from 'cookie';
import { HttpError } from '../http/problem';
import { ApiTokenService } from './api-token-service';
import { RoleService } from './role-service';
import { SessionService, SESSION_COOKIE } from './session-service';
import { User } from './models';

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
  ) {}

  async fromHeaders(headers: { authorization?: string; cookie?: string }, bearerOverride?: string): Promise<Identity | null> {
    const bearer = bearerOverride ?? /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer) {
      const token = await this.tokens.resolve(bearer);
      if (!token) throw new HttpError(401, 'token_invalid', 'Invalid API token', 'This API token is unknown, revoked or expired.');
      const user = await User.findByPk(token.userId);
      if (!user || !user.active) throw new HttpError(401, 'token_invalid', 'Invalid API token', 'The owner of this API token is disabled.');
      const permissions = this.tokens.scope(token, await this.roles.permissionsOfUser(user.id));
      return { user, permissions, via: 'token', tokenId: token.id, expiresAt: token.expiresAt };
    }
    const cookieValue = headers.cookie ? parseCookie(headers.cookie)[SESSION_COOKIE] : undefined;
    if (!cookieValue) return null;
    const session = await this.sessions.resolve(cookieValue);
    if (!session) return null;
    const user = await User.findByPk(session.userId);
    if (!user || !user.active) return null;
    return {
      user,
      permissions: await this.roles.permissionsOfUser(user.id),
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
