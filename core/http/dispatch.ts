import type { Context } from 'koa';
import type Router from '@koa/router';
import type { z } from 'zod';
import type { AuditService } from '../audit/audit-service';
import { secretFieldsOf, secretValuesIn } from '../audit/changes';
import { oneAtATime, requestSecrets, secretsSent } from '../audit/route-audit';
import type { Authenticator, Identity } from '../auth/authenticator';
import { AUTHENTICATED, PUBLIC, SESSION } from '../auth/permissions';
import { safeEqual } from '../security/secret-box';
import { issueCode } from './field-codes';
import { HttpError, type FieldError } from './problem';
import { checkRequestText } from './request-text';
import type { MountedRoute, RouteAudit, RouteCall } from './routes';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function validate(part: 'params' | 'query' | 'body', schema: z.ZodType | undefined, value: unknown, errors: FieldError[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const { code, params } = issueCode(issue);
    errors.push({ field: [part, ...issue.path.map(String)].join('.'), code, message: issue.message, ...(params ? { params } : {}) });
  }
  return undefined;
}


function authorise(route: MountedRoute, identity: Identity | null, ctx: Context): void {
  const { permission, method } = route.def;
  if (permission === PUBLIC) return;
  if (!identity) throw HttpError.unauthenticated();
  if (identity.via === 'session' && !SAFE_METHODS.has(method) && route.def.csrf !== false) {
    const sent = ctx.get(CSRF_HEADER);
    if (!sent || !identity.csrfToken || !safeEqual(sent, identity.csrfToken)) {
      throw new HttpError(403, 'csrf_token_invalid', 'Missing or invalid CSRF token', `Send the session's CSRF token in the ${CSRF_HEADER} header.`);
    }
  }
  if (permission === SESSION) {
    if (identity.via !== 'session') throw new HttpError(403, 'session_required', 'Not allowed', 'This needs a login session; API tokens cannot change login credentials or make tokens.');
    return;
  }
  if (permission !== AUTHENTICATED && !identity.permissions.has(permission)) throw HttpError.forbidden(permission);
}

/** Registers a mounted route on the router: enabled check, auth, CSRF, validation, handler, audit. */
export function mountRoute(router: Router, route: MountedRoute, deps: { authenticator: Authenticator; audit: AuditService }): void {
  const { def } = route;
  router.register(route.fullPath, [def.method], async (ctx: Context) => {
    // The template (`/api/telephony/extensions/:id`), for metrics by route: raw paths would make one series per id.
    ctx.state.routeTemplate = route.fullPath;
    if (!route.isEnabled()) throw new HttpError(404, 'plugin_unavailable', 'Not found', `The plugin "${route.owner}" is disabled or has failed.`);
    // ctx.query parses the query string on first use: a request without one has nothing to check.
    checkRequestText({ params: ctx.params, query: ctx.querystring ? ctx.query : undefined, body: (ctx.request as { body?: unknown }).body });
    // A body the JSON reader left unread (another type, or none declared) on a route that takes JSON.
    if (def.input?.body && ctx.request.is('json') === false) {
      throw new HttpError(415, 'unsupported_media_type', 'Unsupported media type', `Send the body as application/json (it came as "${ctx.get('content-type') || 'no type'}").`);
    }
    const identity = def.permission === PUBLIC ? null : await deps.authenticator.fromContext(ctx);
    const audited = !SAFE_METHODS.has(def.method) && def.audit !== false && identity !== null;
    try {
      authorise(route, identity, ctx);
    } catch (err) {
      // A refused change by a known user (no permission, no CSRF token) is worth a trace too.
      if (audited) await recordAudit(deps.audit, route, { identity, ip: ctx.ip, requestId: ctx.state.requestId as string, koa: ctx } as RouteCall, (err as HttpError).status, undefined);
      throw err;
    }

    const errors: FieldError[] = [];
    const call: RouteCall = {
      params: validate('params', def.input?.params, ctx.params, errors) as never,
      query: validate('query', def.input?.query, ctx.query, errors) as never,
      body: validate('body', def.input?.body, (ctx.request as { body?: unknown }).body, errors) as never,
      identity,
      ip: ctx.ip,
      requestId: ctx.state.requestId as string,
      koa: ctx,
    };
    let result: unknown;
    let states: AuditStates | null = null;
    const snapshot = audited && def.audit ? def.audit.snapshot : undefined;
    try {
      if (errors.length) throw HttpError.validation(errors);
      if (snapshot) {
        // Read before, change, read after, one request at a time per resource: a concurrent change
        // to the same resource waits its turn, so each recorded difference holds only its own change.
        await oneAtATime(snapshot, JSON.stringify(call.params ?? null), async () => {
          const before = await takeSnapshot(deps.audit, route, call, undefined);
          result = await def.handler(call);
          states = { before, after: await takeSnapshot(deps.audit, route, call, result) };
        });
      } else {
        result = await def.handler(call);
      }
      if (result !== undefined) {
        ctx.status = def.status ?? 200;
        ctx.body = result;
      } else if (ctx.body === undefined || ctx.body === null) {
        ctx.status = 204;
      }
    } catch (err) {
      if (audited) await recordAudit(deps.audit, route, call, err instanceof HttpError ? err.status : 500, undefined);
      throw err;
    }
    if (audited) await recordAudit(deps.audit, route, call, ctx.status, result, states);
  }, { name: def.id });
}

interface AuditStates {
  before: unknown;
  after: unknown;
}

/** The resource's state for the audit; a failing read loses the difference, never the action. */
async function takeSnapshot(audit: AuditService, route: MountedRoute, call: RouteCall, result: unknown): Promise<unknown> {
  try {
    return (await (route.def.audit as RouteAudit).snapshot!(call, result)) ?? null;
  } catch (err) {
    audit.snapshotFailed(route.def.id, err);
    return null;
  }
}

async function recordAudit(audit: AuditService, route: MountedRoute, call: RouteCall, status: number, result: unknown, states?: AuditStates | null): Promise<void> {
  const spec = route.def.audit || {};
  let target: string | null = call.koa.path;
  if (spec.target) {
    try {
      target = spec.target(call, result);
    } catch {
      target = call.koa.path;
    }
  }
  const succeeded = status < 400 && states != null;
  await audit.recordChange({
    // Only a change that happened has a difference; before and after of a refused one say nothing.
    ...(succeeded ? states! : {}),
    // Secrets sent in the request or returned once (a new token, a revealed password) are masked wherever they appear.
    secretFields: [...(spec.secretFields ?? []), ...secretFieldsOf(route.def.input?.body)],
    secretValues: succeeded ? [...requestSecrets(route, call), ...secretValuesIn(result, new Set(spec.secretFields ?? []))] : [],
    secretsSent: succeeded ? secretsSent(route, call) : [],
    ignoreFields: spec.ignoreFields,
    userId: call.identity!.user.id,
    actor: call.identity!.user.email,
    action: spec.action ?? route.def.id,
    target,
    method: route.def.method,
    path: call.koa.path,
    status,
    ip: call.ip,
    requestId: call.requestId,
    details: call.identity!.via === 'token' ? { via: 'token', tokenId: call.identity!.tokenId } : null,
  });
}
