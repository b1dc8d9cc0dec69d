import { randomUUID } from 'node:crypto';
import { Stream } from 'node:stream';
import zlib from 'node:zlib';
import Koa, { type Context, type Next } from 'koa';
import Router from '@koa/router';
import compress from 'koa-compress';
import helmet from 'koa-helmet';
import type { CarillonConfig } from '../config/schema';
import { toBytes } from '../config/load';
import { isPlainObject, type Logger } from '../logging/logger';
import type { AuditService } from '../audit/audit-service';
import type { Authenticator } from '../auth/authenticator';
import { mountRoute } from './dispatch';
import { jsonBody } from './json-body';
import { HttpError } from './problem';
import type { RouteTable } from './routes';
import { uiStatic } from './ui-static';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const HEALTH_PATH = '/api/health';
/** Bodies under this size gain too little from compression to pay for it. */
const COMPRESS_THRESHOLD = 1024;
/** What is compressed on the fly: the API's JSON and the pages and modules served from memory. */
const COMPRESSED_TYPES = /^(?:application\/(?:[\w.+-]+\+)?json|application\/javascript|text\/(?:javascript|css|html))\b/;

/** Paths as logged: the provisioning secret path's key (`/provisioning/s/<key>/…`, a site secret) never reaches a log. */
const loggedPath = (path: string) => path.replace(/^\/provisioning\/s\/[^/]*/, '/provisioning/s/…');
/** Errors that only mean the client went away (a phone rebooting, a closed tab) while a body streamed. */
const CLIENT_GONE = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export interface HttpAppDeps {
  config: CarillonConfig;
  logger: Logger;
  routeTable: RouteTable;
  authenticator: Authenticator;
  audit: AuditService;
  /** Told of every request as it ends, with its route template (metrics). */
  observeRequest?: (request: { method: string; route: string; status: number; seconds: number }) => void;
}

/** The route label of a request no route of the table answered: UI files, or nothing at all. */
function routeLabel(ctx: Context): string {
  const template = ctx.state.routeTemplate as string | undefined;
  if (template) return template;
  return ctx.status === 404 ? '(unmatched)' : '(static)';
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

/** Maps errors from Koa's own layers (router, static files) to coded problems. */
function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const e = err as { status?: number; statusCode?: number; expose?: boolean; message?: string };
  const status = e.status ?? e.statusCode;
  if (status === 405) return new HttpError(405, 'method_not_allowed', 'Method not allowed', e.message);
  // SQLite kept busy past its wait (a long bulk change): the request can be tried again, it did nothing.
  if ((err as Error).name === 'SequelizeTimeoutError') {
    return new HttpError(503, 'database_busy', 'Database busy', 'The database is busy with another change; try again in a moment.', undefined, { 'Retry-After': '1' });
  }
  if (status && status >= 400 && status < 500 && e.expose) return new HttpError(status, 'bad_request', 'Bad request', e.message);
  return new HttpError(500, 'internal_error', 'Internal error', 'Something went wrong on the server; the request id identifies it in the logs.');
}

/**
 * The headers a helmet middleware sets, captured once: with a fixed configuration they are the
 * same for every request, and helmet builds them again at each one (its policy string included).
 */
function fixedHeadersOf(middleware: (ctx: Context, next: Next) => unknown): Array<[string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  // helmet sets its headers synchronously, before it calls on (with nothing left to do here).
  void middleware({ req: { headers: {} }, res } as unknown as Context, async () => {});
  if (!headers.size) throw new Error('helmet set no header: its API changed');
  return [...headers];
}

/** The Koa application: request ids, access log, problem errors, security headers, body limit, routes. */
export function createHttpApp(deps: HttpAppDeps): { app: Koa; router: Router } {
  const { config, logger } = deps;
  const app = new Koa({ proxy: config.http.trustProxy });
  const router = new Router();
  const limit = toBytes(config.http.bodyLimit);
  // A streamed body that fails after its first byte is cut by Koa (see sendStream), which reports
  // it here: one JSON log line instead of Koa's stack trace on stderr. A client that leaves early is no error.
  app.on('error', (err: Error & { code?: string }, ctx?: Context) => {
    const gone = CLIENT_GONE.has(err.code ?? '') || ctx?.req.destroyed === true;
    const where = { requestId: ctx?.state.requestId as string | undefined, path: ctx?.path };
    if (gone) logger.debug({ ...where, code: err.code }, 'client closed the connection during the response');
    else logger.error({ ...where, err: { name: err.name, message: err.message, code: err.code } }, 'response stream failed');
  });

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
        logger.error({ err: { name, message, stack }, requestId, method: ctx.method, path: loggedPath(ctx.path) }, 'request failed');
      }
      ctx.status = problem.status;
      ctx.type = 'application/problem+json';
      ctx.body = problemBody(ctx, problem);
      for (const [name, value] of Object.entries(problem.headers ?? {})) ctx.set(name, value);
    } finally {
      const identity = await (ctx.state.identity as Promise<{ user: { id: number } } | null> | undefined)?.catch(() => null);
      // Monitors and load balancers ask for health every few seconds: a healthy answer is
      // logged at debug, so the journal (info) keeps the requests people make and every failure.
      const level = ctx.status === 200 && ctx.path === HEALTH_PATH ? 'debug' : 'info';
      const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
      deps.observeRequest?.({ method: ctx.method, route: routeLabel(ctx), status: ctx.status, seconds: ms / 1000 });
      logger[level](
        {
          requestId,
          method: ctx.method,
          path: loggedPath(ctx.path),
          status: ctx.status,
          ms,
          ip: ctx.ip,
          userId: identity?.user.id,
        },
        'http request',
      );
    }
  });

  const securityHeaders = fixedHeadersOf(
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
    for (const [name, value] of securityHeaders) ctx.res.setHeader(name, value);
    await next();
  });
  app.use(async (ctx: Context, next: Next) => {
    if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(
    compress({
      threshold: COMPRESS_THRESHOLD,
      filter: (type) => COMPRESSED_TYPES.test(type),
      br: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
      gzip: { level: 6 },
      deflate: false,
      zstd: false,
    }),
  );
  app.use(async (ctx: Context, next: Next) => {
    await next();
    const { body } = ctx as { body: unknown };
    // Streams (exports, recordings, files) go out as they are: koa-compress pipes them into the
    // compressor without passing on a failure of the source, which would leave the response hanging.
    if (body instanceof Stream) ctx.compress = false;
    // JSON serialised once: koa-compress asks for the length, which Koa computes by serialising
    // an object body, and Koa serialises it again to send it.
    else if (Array.isArray(body) || isPlainObject(body)) ctx.body = JSON.stringify(body);
  });
  app.use(jsonBody(limit));

  app.use(uiStatic());
  // Routes without parameters, by method and path: one map look-up instead of the router's test
  // of every route's pattern (about a hundred), its debug call and the chain it builds per request.
  // Only when the route is the first the router itself would run for that path.
  const exactRoutes = new Map<string, (ctx: Context) => unknown>();
  deps.routeTable.onRoute((route) => {
    mountRoute(router, route, deps);
    if (/[:*?(]/.test(route.fullPath)) return;
    const first = router.match(route.fullPath, route.def.method).pathAndMethod[0];
    if (first?.name === route.def.id && first.stack.length === 1) exactRoutes.set(`${route.def.method} ${route.fullPath}`, first.stack[0] as (ctx: Context) => unknown);
  });
  app.use((ctx: Context, next: Next) => {
    const handler = exactRoutes.get(`${ctx.method} ${ctx.path}`);
    if (!handler) return next();
    ctx.params = {};
    return handler(ctx);
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, router };
}
