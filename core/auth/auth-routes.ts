import { z } from 'zod';
import type { Context } from 'koa';
import type { CarillonConfig } from '../config/schema';
import { defineRoute, type RouteCall, type RouteDefinition } from '../http/routes';
import { HttpError } from '../http/problem';
import { email, idParam, locale, numberDisplay, timeZone } from '../http/schemas';
import { AUTHENTICATED, PUBLIC, SESSION } from './permissions';
import type { Identity } from './authenticator';
import type { LoginService } from './login-service';
import type { PasswordHasher } from './passwords';
import type { SessionService } from './session-service';
import { SESSION_COOKIE } from './session-service';
import type { SetupService } from './setup-service';
import type { TotpService } from './totp-service';
import type { UserService } from './user-service';
import type { ApiTokenService } from './api-token-service';
import type { EventBus } from '../events/bus';
import type { SystemSettingsService } from '../system/system-settings-service';

export interface AuthRouteDeps {
  config: CarillonConfig;
  loginService: LoginService;
  sessionService: SessionService;
  setupService: SetupService;
  userService: UserService;
  totpService: TotpService;
  passwordHasher: PasswordHasher;
  apiTokenService: ApiTokenService;
  events: EventBus;
  systemSettingsService: SystemSettingsService;
}

const me = (identity: Identity | null): Identity => identity!;

function setSessionCookie(ctx: Context, config: CarillonConfig, value: string | null): void {
  const secure = config.auth.secureCookies === 'always' || (config.auth.secureCookies === 'auto' && ctx.secure);
  // 'always' means TLS ends in front of Carillon (a proxy it may not be told to trust): Koa would
  // otherwise refuse to send a Secure cookie over what it sees as plain HTTP, and login would fail.
  if (secure) ctx.cookies.secure = true;
  ctx.cookies.set(SESSION_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    overwrite: true,
    ...(value ? { maxAge: config.auth.sessionMaxHours * 3_600_000 } : { maxAge: 0 }),
  });
}

export function authRoutes(deps: AuthRouteDeps): RouteDefinition[] {
  const { config } = deps;
  const profile = async (identity: Identity) => ({
    user: deps.userService.view(await deps.userService.find(identity.user.id)),
    permissions: [...identity.permissions].sort(),
    csrfToken: identity.csrfToken ?? null,
    via: identity.via,
    // National number display needs the region, which users without system.settings.read cannot read elsewhere.
    region: await deps.systemSettingsService.defaultRegion(),
  });

  // One's own account as admins see it: the audit log keeps what a profile change did.
  const ownAccount = async ({ identity }: RouteCall) => deps.userService.view(await deps.userService.find(identity!.user.id));
  return [
    defineRoute({
      id: 'auth.login',
      method: 'POST',
      path: '/login',
      summary: 'Log in with e-mail, password and, when enabled, a TOTP code; sets the session cookie',
      permission: PUBLIC,
      input: { body: z.object({ email: z.string().min(1).max(191), password: z.string().min(1).max(1024), totpCode: z.string().max(12).optional() }) },
      handler: async ({ body, koa, ip, requestId }) => {
        const opened = await deps.loginService.login({ ...body, ip, userAgent: koa.get('user-agent') || null, requestId });
        setSessionCookie(koa, config, opened.cookieValue);
        const user = await deps.userService.find(opened.session.userId);
        return { user: deps.userService.view(user), csrfToken: opened.session.csrfToken, expiresAt: opened.session.expiresAt.toISOString() };
      },
    }),
    defineRoute({
      id: 'auth.logout',
      method: 'POST',
      path: '/logout',
      summary: 'End the current session',
      permission: SESSION,
      audit: false,
      handler: async ({ identity, koa }) => {
        if (identity?.sessionId) await deps.sessionService.revoke(identity.sessionId);
        setSessionCookie(koa, config, null);
      },
    }),
    defineRoute({
      id: 'auth.me',
      method: 'GET',
      path: '/me',
      summary: 'The current user, permissions, CSRF token and the system\'s default region (for number display)',
      // Introspection, not an action: any credential may ask whose it is and what it may do.
      permission: AUTHENTICATED,
      handler: ({ identity }) => profile(me(identity)),
    }),
    defineRoute({
      id: 'auth.updateProfile',
      method: 'PATCH',
      path: '/me',
      summary: 'Change your own display name, locale, time zone or number display',
      permission: 'account.profile',
      input: { body: z.strictObject({ displayName: z.string().trim().min(1).max(120).optional(), locale: locale.optional(), timeZone: timeZone.optional(), numberDisplay: numberDisplay.optional() }) },
      audit: { target: ({ identity }) => `user:${identity!.user.id}`, snapshot: ownAccount },
      handler: async ({ identity, body }) => {
        await deps.userService.update(me(identity).user.id, body);
        return profile(me(identity));
      },
    }),
    defineRoute({
      id: 'auth.updatePreferences',
      method: 'PATCH',
      path: '/me/preferences',
      summary: 'Change your own display preferences: locale, time zone, number display (international or national)',
      permission: 'account.profile',
      input: { body: z.strictObject({ locale: locale.optional(), timeZone: timeZone.optional(), numberDisplay: numberDisplay.optional() }) },
      audit: { target: ({ identity }) => `user:${identity!.user.id}`, snapshot: ownAccount },
      handler: async ({ identity, body }) => {
        await deps.userService.update(me(identity).user.id, body);
        return profile(me(identity));
      },
    }),
    defineRoute({
      id: 'auth.changePassword',
      method: 'POST',
      path: '/password',
      summary: 'Change your own password (ends your other sessions)',
      permission: SESSION,
      input: { body: z.object({ currentPassword: z.string().min(1).max(1024), newPassword: z.string().min(1).max(1024) }) },
      audit: { target: ({ identity }) => `user:${identity!.user.id}` },
      handler: async ({ identity, body, koa, ip }) => {
        const user = me(identity).user;
        if (!(await deps.passwordHasher.verify(user.passwordHash, body.currentPassword))) {
          throw HttpError.validation([{ field: 'body.currentPassword', code: 'wrong_password', message: 'The current password is wrong.' }]);
        }
        await deps.userService.setPassword(user.id, body.newPassword);
        const opened = await deps.sessionService.open(user.id, ip, koa.get('user-agent') || null);
        setSessionCookie(koa, config, opened.cookieValue);
        return { csrfToken: opened.session.csrfToken };
      },
    }),
    defineRoute({
      id: 'auth.totp.begin',
      method: 'POST',
      path: '/totp/setup',
      summary: 'Start two-factor enrolment: returns the secret, an otpauth URL and a QR code (SVG)',
      permission: SESSION,
      audit: { target: ({ identity }) => `user:${identity!.user.id}` },
      handler: ({ identity }) => deps.totpService.begin(me(identity).user),
    }),
    defineRoute({
      id: 'auth.totp.enable',
      method: 'POST',
      path: '/totp/enable',
      summary: 'Confirm enrolment with a first code; the second factor is required from then on',
      permission: SESSION,
      input: { body: z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') }) },
      audit: { target: ({ identity }) => `user:${identity!.user.id}` },
      handler: async ({ identity, body }) => {
        await deps.totpService.confirm(me(identity).user, body.code);
        return { totpEnabled: true };
      },
    }),
    defineRoute({
      id: 'auth.totp.disable',
      method: 'POST',
      path: '/totp/disable',
      summary: 'Turn the second factor off (needs the password)',
      permission: SESSION,
      input: { body: z.object({ password: z.string().min(1).max(1024) }) },
      audit: { target: ({ identity }) => `user:${identity!.user.id}` },
      handler: async ({ identity, body }) => {
        const user = me(identity).user;
        if (!(await deps.passwordHasher.verify(user.passwordHash, body.password))) {
          throw HttpError.validation([{ field: 'body.password', code: 'wrong_password', message: 'The password is wrong.' }]);
        }
        await deps.totpService.disable(user);
        return { totpEnabled: false };
      },
    }),
    defineRoute({
      id: 'auth.tokens.list',
      method: 'GET',
      path: '/tokens',
      summary: 'Your personal API tokens (never their values)',
      permission: 'account.tokens',
      handler: async ({ identity }) => ({ items: await deps.apiTokenService.listOf(me(identity).user.id) }),
    }),
    defineRoute({
      id: 'auth.tokens.create',
      method: 'POST',
      path: '/tokens',
      summary: 'Create a personal API token; its value is shown only in this response',
      permission: SESSION,
      status: 201,
      input: {
        body: z.strictObject({
          name: z.string().trim().min(1).max(120),
          permissions: z.array(z.string()).min(1).optional(),
          expiresAt: z.iso.datetime({ offset: true }).optional(),
          expiresInDays: z.number().int().min(1).max(3650).optional(),
        }),
      },
      audit: { target: (_call, result) => `token:${(result as { id: number }).id}` },
      handler: async ({ identity, body }) => {
        const expiresAt = body.expiresAt ? new Date(body.expiresAt) : body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : null;
        const caller = me(identity);
        const { token, record } = await deps.apiTokenService.create(caller.user.id, { name: body.name, permissions: body.permissions, expiresAt }, caller.permissions);
        return { ...record, token };
      },
    }),
    defineRoute({
      id: 'auth.tokens.revoke',
      method: 'DELETE',
      path: '/tokens/:id',
      summary: 'Revoke one of your API tokens',
      permission: 'account.tokens',
      input: { params: idParam },
      handler: async ({ identity, params }) => {
        const userId = me(identity).user.id;
        const revoked = await deps.apiTokenService.revoke(userId, params.id);
        // Live sockets opened with this token re-check their credential on this event and close.
        deps.events.publish('auth.permissionsChanged', { userIds: [userId] });
        return revoked;
      },
    }),
  ];
}

export function setupRoutes(deps: Pick<AuthRouteDeps, 'setupService'>): RouteDefinition[] {
  return [
    defineRoute({
      id: 'setup.status',
      method: 'GET',
      path: '/',
      summary: 'Whether the first administrator still has to be created',
      permission: PUBLIC,
      handler: async () => ({ needed: await deps.setupService.needed() }),
    }),
    defineRoute({
      id: 'setup.complete',
      method: 'POST',
      path: '/',
      summary: 'Create the first administrator with the one-time setup token',
      permission: PUBLIC,
      status: 201,
      input: {
        body: z.strictObject({
          token: z.string().min(1).max(200),
          email,
          displayName: z.string().trim().min(1).max(120),
          password: z.string().min(1).max(1024),
          locale: locale.optional(),
          timeZone: timeZone.optional(),
        }),
      },
      handler: async ({ body, ip, requestId }) => ({ user: await deps.setupService.complete(body, { ip, requestId }) }),
    }),
  ];
}
