import { randomUUID } from 'node:crypto';
import Koa, { type Context, type Next } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import helmet from 'koa-helmet';
import type { CarillonConfig } from '../config/schema';
import { toBytes } from '../config/load';
import type { Logger } from '../logging/logger';
import type { AuditService } from '../audit/audit-service';
import type { Authenticator } from '../auth/authenticator';
import { mountRoute } from './dispatch';
import { HttpError } from './problem';
import type { RouteTable } from './routes';
import { uiStatic } from './ui-static';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export interface HttpAppDeps {
  config: CarillonConfig;
  logger: Logger;
  routeTable: RouteTable;
  authenticator: Authenticator;
  audit: AuditService;
}

function problemBody(ctx: Context, err: HttpError) {
  return {
    type: `https://carillon.dev/problems/${err.code}`,
    title: err.title,
    status: err.status,
    code: err.code,
    ...(err.detail ? { detail: err.detail } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
    instance: ctx.path,
    requestId: ctx.state.requestId as string,
  };
}

/** Maps errors from Koa's own layers (body parser, router) to coded problems. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
  const status = e.status ?? e.statusCode;
  if (status === 413) return new HttpError(413, 'payload_too_large', 'Payload too large', 'The request body is larger than this server accepts.');
  if (status === 415) return new HttpError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the body as application/json.');
  if (status === 405) return new HttpError(405, 'method_not_allowed', 'Method not allowed', e.message);
  if (status === 400 && (e.type === 'entity.parse.failed' || err instanceof SyntaxError)) {
    return new HttpError(400, 'malformed_body', 'Malformed request body', 'The request body is not valid JSON.');
  }
  if (status && status >= 400 && status < 500 && e.expose) return new HttpError(status, 'bad_request', 'Bad request', e.message);
  return new HttpError(500, 'internal_error', 'Internal error', 'Something went wrong on the server; the request id identifies it in the logs.');
}

/** The Koa application: request ids, access log, problem errors, security headers, body limit, routes. */
export function createHttpApp(deps: HttpAppDeps): { app: Koa; router: Router } {
  const { config, logger } = deps;
  const app = new Koa({ proxy: config.http.trustProxy });
  const router = new Router();
  const limit = toBytes(config.http.bodyLimit);

  app.use(async (ctx: Context, next: Next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw HttpError.notFound('route', `Nothing is served at ${ctx.method} ${ctx.path}.`);
        // The router has set the Allow header; only the body is missing.
        if (ctx.status === 405 || ctx.status === 501) {
          throw new HttpError(405, 'method_not_allowed', 'Method not allowed', `${ctx.path} does not accept ${ctx.method}; it accepts ${ctx.response.get('Allow')}.`);
        }
      }
    } catch (err) {
      const problem = toHttpError(err);
      if (problem.status >= 500) {
        // Only name, message and stack: errors from parsers carry the raw body, which may hold a password.
        const { name, message, stack } = err as Error;
        logger.error({ err: { name, message, stack }, requestId, method: ctx.method, path: ctx.path }, 'request failed');
      }
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = problemBody(ctx, problem);
      for (const [name, value] of Object.entries(problem.headers ?? {})) ctx.set(name, value);
    } finally {
      const identity = await (ctx.state.identity as Promise<{ user: { id: number } } | null> | undefined)?.catch(() => null);
      logger.info(
        {
          requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          ip: ctx.ip,
          userId: identity?.user.id,
        },
        'http request',
      );
    }
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'img-src': ["'self'", 'data:'],
          // An appliance is often reached over plain HTTP on the LAN: upgrading would break it.
          'upgrade-insecure-requests': config.http.publicUrl?.startsWith('https:') ? [] : null,
        },
      },
      strictTransportSecurity: config.http.publicUrl?.startsWith('https:') ? undefined : false,
    }),
  );
  app.use(async (ctx: Context, next: Next) => {
    if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: limit,
      encoding: 'utf-8',
      onError: (err: Error & { status?: number }) => {
        throw err;
      },
    }),
  );

  app.use(uiStatic());
  deps.routeTable.onRoute((route) => mountRoute(router, route, deps));
  app.use(router.routes());
  app.use(router.allowedMethods());
  // Errors of a streamed body after its headers (Koa's default prints them to stderr as stack traces).
  app.on('error', (err: Error & { code?: string }, ctx?: Context) => {
    const where = { requestId: ctx?.state.requestId as string | undefined, method: ctx?.method, path: ctx?.path };
    // A client that hangs up during the body (a phone rebooting, a closed tab) is ordinary: the stream is already destroyed.
    if (CLIENT_GONE.has(err.code ?? '') || ctx?.req.destroyed) logger.debug({ ...where, code: err.code }, 'client closed the connection during the response');
    else logger.error({ ...where, err: { name: err.name, message: err.message, stack: err.stack } }, 'response failed');
  });
  return { app, router };
}
