import path from 'node:path';
import type { Context } from 'koa';
import type Router from '@koa/router';
import send from 'koa-send';

const FILES = new Set(['setup.js', 'setup.css']);
const ROOT = path.join(__dirname, 'setup-page');

/**
 * The page behind the printed first-run link: a plain form that posts to `POST /api/setup`.
 * It works before (and without) the admin UI; files are fixed, nothing is read from the request path.
 */
export function registerSetupPage(router: Router): void {
  router.get('/setup', async (ctx: Context) => {
    await send(ctx, 'setup.html', { root: ROOT });
  });
  router.get('/setup/:file', async (ctx: Context) => {
    const file = String(ctx.params.file);
    if (FILES.has(file)) await send(ctx, file, { root: ROOT });
  });
}
