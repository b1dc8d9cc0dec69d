import fs from 'node:fs';
import path from 'node:path';
import type { Context, Next } from 'koa';
import send from 'koa-send';

/**
 * Serves the built admin UI (`ui/dist`): hashed assets with an immutable cache, and `index.html`
 * for page navigations anywhere outside the server's own paths, so client-side routes survive a
 * reload or a bookmark. Each file goes out as the `.br` or `.gz` variant written at build time
 * when the browser accepts it (koa-send picks it and sets Content-Encoding). Never answers for
 * the API, provisioning, sockets, plugin UI modules, plugins' public routes or the first-run
 * page: those keep their own 404s and content types.
 */

const SERVER_PATHS = ['/api', '/provisioning', '/socket.io', '/ui/plugins', '/setup', '/p'];
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `ui/dist` next to the sources, or next to the compiled server (`dist/core/http` → `ui/dist`). */
export function findUiDist(start = __dirname): string | null {
  const candidates = [path.resolve(start, '..', '..', 'ui', 'dist'), path.resolve(start, '..', '..', '..', 'ui', 'dist')];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html'))) ?? null;
}

function isServerPath(p: string): boolean {
  return SERVER_PATHS.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
}

/** A browser navigation (or a person's curl -H 'accept: text/html'); API clients send JSON or star-slash-star. */
function wantsHtml(ctx: Context): boolean {
  return (ctx.get('accept') || '').includes('text/html');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Carillon</title></head><body>
<h1>Carillon</h1><p>The admin interface is not built. Run <code>npm run build:ui</code> (or <code>npm start</code>, which builds it) and reload.</p>
<p>The API is described at <a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

export function uiStatic(options: { distDir?: string | null } = {}) {
  let dist = options.distDir === undefined ? findUiDist() : options.distDir;
  return async (ctx: Context, next: Next): Promise<void> => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || isServerPath(ctx.path)) return next();
    // Built after the server started (npm run build:ui on a running dev server): pick it up.
    dist ??= options.distDir === undefined ? findUiDist() : null;
    if (ctx.path.startsWith('/assets/')) {
      if (!dist) return next();
      ctx.vary('Accept-Encoding');
      const served = await send(ctx, ctx.path, { root: dist, immutable: true, maxage: 31_536_000_000, index: false, hidden: false }).catch((err: { status?: number }) => {
        if (err.status === 404) return null;
        throw err;
      });
      if (served) ctx.set('Cache-Control', IMMUTABLE);
      else return next();
      return;
    }
    if (!wantsHtml(ctx)) return next();
    ctx.set('Cache-Control', 'no-cache');
    if (!dist) {
      if (ctx.path !== '/') return next();
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = NOT_BUILT;
      return;
    }
    ctx.vary('Accept-Encoding');
    await send(ctx, 'index.html', { root: dist, index: false });
    ctx.set('Cache-Control', 'no-cache');
  };
}
