import fs from 'node:fs';
import path from 'node:path';
import type { Context } from 'koa';
import send from 'koa-send';
import { z } from 'zod';
import type { Authenticator } from '../auth/authenticator';
import { HttpError } from '../http/problem';
import type { UiCardDefinition, UiPageDefinition } from './types';

/** The folder of a plugin whose files the admin UI may fetch; the rest of the plugin stays private. */
export const PLUGIN_UI_DIR = 'ui';

export interface PluginUiPage extends Required<Omit<UiPageDefinition, 'permission'>> {
  permission: string | null;
  /** Absolute path of the module file. */
  file: string;
}

export interface PluginUiCard extends Required<Omit<UiCardDefinition, 'permission'>> {
  permission: string | null;
  file: string;
}

/** What a plugin contributes to the admin UI. */
export interface PluginUi {
  pluginId: string;
  /** Absolute, real path of the plugin's `ui/` folder. */
  uiDir: string;
  pages: PluginUiPage[];
  cards: PluginUiCard[];
  strings: { en: Record<string, string>; fr: Record<string, string> } | null;
}

const text = z.string().trim().min(1).max(80);
const pageSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, starting with a letter'),
  title: z.object({ en: text, fr: text }).catchall(text),
  path: z.string().regex(/^(\/[a-z0-9][a-z0-9._-]*)+$/, 'a path such as /example or /example/notes (lower case)'),
  module: z.string().regex(/\.m?js$/, 'a .js file such as ui/index.js'),
  permission: z.string().min(1).optional(),
  section: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a section such as plugins or telephony').optional(),
});
const cardSchema = z.strictObject({
  id: pageSchema.shape.id,
  title: pageSchema.shape.title,
  module: pageSchema.shape.module,
  permission: z.string().min(1).optional(),
});
const stringsSchema = z.strictObject({
  en: z.record(z.string().max(120), z.string().max(2000)),
  fr: z.record(z.string().max(120), z.string().max(2000)),
});

function reasons(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'page'}: ${i.message}`).join('; ');
}

/** The real path of a plugin's `ui/` folder, created lazily by nobody: it must ship with the plugin. */
function uiDirOf(pluginRoot: string): string {
  const dir = path.join(pluginRoot, PLUGIN_UI_DIR);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`UI pages need a "${PLUGIN_UI_DIR}" folder in the plugin`);
  return fs.realpathSync(dir);
}

/** Is `file` (already real) inside `dir` (real)? */
function isInside(dir: string, file: string): boolean {
  return file.startsWith(dir + path.sep);
}

/**
 * Checks a page a plugin declares: its path under `/<plugin id>`, a unique id and path, a known
 * permission, and a module that exists inside the plugin's `ui/` folder (symbolic links resolved,
 * so nothing outside that folder can ever be served through it).
 */
export function addUiPage(ui: PluginUi | null, pluginId: string, pluginRoot: string, raw: unknown, knownPermission: (key: string) => boolean): PluginUi {
  const parsed = pageSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid UI page: ${reasons(parsed.error)}`);
  const page = parsed.data;
  const target: PluginUi = ui ?? { pluginId, uiDir: uiDirOf(pluginRoot), pages: [], cards: [], strings: null };
  if (page.path !== `/${pluginId}` && !page.path.startsWith(`/${pluginId}/`)) {
    throw new Error(`UI page ${page.id}: its path must be /${pluginId} or start with /${pluginId}/ (got ${page.path})`);
  }
  if (target.pages.some((p) => p.id === page.id)) throw new Error(`UI page ${page.id} is declared twice`);
  if (target.pages.some((p) => p.path === page.path)) throw new Error(`UI page ${page.id}: the path ${page.path} is already used by ${target.pages.find((p) => p.path === page.path)!.id}`);
  if (page.permission && !knownPermission(page.permission)) throw new Error(`UI page ${page.id} needs the unknown permission "${page.permission}"`);
  const requested = path.resolve(pluginRoot, page.module);
  if (!fs.existsSync(requested)) throw new Error(`UI page ${page.id}: the module ${page.module} does not exist`);
  const file = fs.realpathSync(requested);
  if (!isInside(target.uiDir, file)) throw new Error(`UI page ${page.id}: the module ${page.module} must be inside the plugin's ${PLUGIN_UI_DIR}/ folder`);
  target.pages.push({ id: page.id, title: page.title, path: page.path, module: page.module, permission: page.permission ?? null, section: page.section ?? 'plugins', file });
  return target;
}

/** The real path of a UI module, refused unless it exists inside the plugin's `ui/` folder. */
function moduleFile(target: PluginUi, pluginRoot: string, what: string, module: string): string {
  const requested = path.resolve(pluginRoot, module);
  if (!fs.existsSync(requested)) throw new Error(`${what}: the module ${module} does not exist`);
  const file = fs.realpathSync(requested);
  if (!isInside(target.uiDir, file)) throw new Error(`${what}: the module ${module} must be inside the plugin's ${PLUGIN_UI_DIR}/ folder`);
  return file;
}

/** Checks a dashboard card as `addUiPage` checks a page (unique id, known permission, module inside `ui/`). */
export function addUiCard(ui: PluginUi | null, pluginId: string, pluginRoot: string, raw: unknown, knownPermission: (key: string) => boolean): PluginUi {
  const parsed = cardSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid dashboard card: ${reasons(parsed.error)}`);
  const card = parsed.data;
  const target: PluginUi = ui ?? { pluginId, uiDir: uiDirOf(pluginRoot), pages: [], cards: [], strings: null };
  if (target.cards.some((c) => c.id === card.id)) throw new Error(`Dashboard card ${card.id} is declared twice`);
  if (card.permission && !knownPermission(card.permission)) throw new Error(`Dashboard card ${card.id} needs the unknown permission "${card.permission}"`);
  const file = moduleFile(target, pluginRoot, `Dashboard card ${card.id}`, card.module);
  target.cards.push({ id: card.id, title: card.title, module: card.module, permission: card.permission ?? null, file });
  return target;
}

export function setUiStrings(ui: PluginUi | null, pluginId: string, pluginRoot: string, raw: unknown): PluginUi {
  const parsed = stringsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Invalid UI strings: ${reasons(parsed.error)}`);
  const target: PluginUi = ui ?? { pluginId, uiDir: uiDirOf(pluginRoot), pages: [], cards: [], strings: null };
  target.strings = parsed.data;
  return target;
}

/** The URL the shell imports a page module from: `/ui/plugins/<id>/<path inside ui/>`. */
export function moduleUrl(ui: PluginUi, page: { file: string }): string {
  return `/ui/plugins/${ui.pluginId}/${path.relative(ui.uiDir, page.file).split(path.sep).join('/')}`;
}

/** The pages a user may see, for `GET /api/ui/navigation`. */
export function navigationFor(uis: PluginUi[], permissions: ReadonlySet<string>) {
  const pages = uis.flatMap((ui) =>
    ui.pages
      .filter((page) => !page.permission || permissions.has(page.permission))
      .map((page) => ({ id: page.id, plugin: ui.pluginId, title: page.title, path: page.path, module: moduleUrl(ui, page), permission: page.permission, section: page.section })),
  );
  const cards = uis.flatMap((ui) =>
    ui.cards
      .filter((card) => !card.permission || permissions.has(card.permission))
      .map((card) => ({ id: card.id, plugin: ui.pluginId, title: card.title, module: moduleUrl(ui, card), permission: card.permission })),
  );
  const visible = new Set([...pages, ...cards].map((p) => p.plugin));
  const strings = Object.fromEntries(uis.filter((ui) => ui.strings && visible.has(ui.pluginId)).map((ui) => [ui.pluginId, ui.strings!]));
  return { pages, cards, strings };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * `GET /ui/plugins/<id>/<file>`: a file of a running plugin's `ui/` folder, to logged-in users
 * (the shell's `import()` sends the session cookie). Modules are not content-hashed, so the
 * browser revalidates them: a plugin upgrade shows at the next page load.
 */
export async function servePluginUiFile(ctx: Context, deps: { uis: () => PluginUi[]; authenticator: Authenticator }): Promise<void> {
  if (!(await deps.authenticator.fromContext(ctx))) throw HttpError.unauthenticated();
  const ui = deps.uis().find((entry) => entry.pluginId === ctx.params.id);
  if (!ui) throw HttpError.notFound('plugin UI', `The plugin "${String(ctx.params.id)}" is not running or has no admin pages.`);
  const requested = ctx.params.file as unknown;
  const relative = Array.isArray(requested) ? requested.join('/') : String(requested ?? '');
  const candidate = path.resolve(ui.uiDir, relative);
  const type = TYPES[path.extname(candidate).toLowerCase()];
  const real = type && isInside(ui.uiDir, candidate) && fs.existsSync(candidate) ? fs.realpathSync(candidate) : null;
  if (!real || !isInside(ui.uiDir, real) || !fs.statSync(real).isFile()) throw HttpError.notFound('file');
  await send(ctx, path.relative(ui.uiDir, real), { root: ui.uiDir, hidden: false, setHeaders: (res) => res.setHeader('Cache-Control', 'no-cache') });
  ctx.type = type;
  ctx.set('X-Content-Type-Options', 'nosniff');
}
