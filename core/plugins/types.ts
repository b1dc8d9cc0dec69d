import type { AwilixContainer, Resolver } from 'awilix';
import type { ModelAttributes, ModelOptions, ModelStatic, Model, Sequelize } from 'sequelize';
import type { Logger } from '../logging/logger';
import type { MigrationDefinition } from '../db/migrator';
import type { PermissionDefinition } from '../auth/permissions';
import type { EventHandler, EventName, CarillonEvents, WebhookEventSpec } from '../events/bus';
import type { RouteDefinition, RouteInput } from '../http/routes';
import type { Identity } from '../auth/authenticator';
import type { SettingsSchema } from './plugin-settings';

/** The version of the plugin API this host implements; manifests name a semver range of it. */
// 1.1.0: health(), localised displayName.
export const PLUGIN_API_VERSION = '1.1.0';

/**
 * `started`: running. `disabled`: an admin turned it off. `failed`: it could not run (see its
 * error). `stopped`: enabled and healthy so far, but not running in this process (before start,
 * after stop, or in a CLI command, which never starts plugins).
 */
export type PluginState = 'started' | 'disabled' | 'failed' | 'stopped';

export type { LocalisedText } from '../i18n/localised-text';
import type { LocalisedText } from '../i18n/localised-text';

/** An admin page a plugin contributes: an ES module the UI shell loads at run time. */
export interface UiPageDefinition {
  /** Unique within the plugin: lower-case letters, digits and dashes. */
  id: string;
  /** The menu entry and page title. */
  title: LocalisedText;
  /** Client-side path in the admin UI: `/<plugin id>` or below it, e.g. `/example/notes`. */
  path: string;
  /** The module, relative to the plugin folder and inside its `ui/` folder, e.g. `ui/notes.js`. */
  module: string;
  /** Permission needed to see it; omit for any logged-in user. */
  permission?: string;
  /** The menu section it goes in (e.g. `telephony`, `tools`); default `plugins`. */
  section?: string;
}

/** A card a plugin adds to the dashboard: an ES module mounted like a page, in a titled box. */
export interface UiCardDefinition {
  /** Unique within the plugin: lower-case letters, digits and dashes. */
  id: string;
  /** The card's heading. */
  title: LocalisedText;
  /** Inside the plugin's `ui/` folder; `export default function mount(element, api)` as for pages. */
  module: string;
  /** Permission needed to see it; omit for any logged-in user. */
  permission?: string;
}

export interface JobDefinition {
  name: string;
  /** A cron pattern (5 or 6 fields, seconds first when 6) or a fixed interval. */
  schedule: string | { everyMs: number };
  run: () => Promise<void> | void;
}

/** What a plugin receives in register, start and stop. Everything it adds is undone when it stops. */
export interface PluginContext {
  readonly id: string;
  readonly version: string;
  /** This plugin's section of the configuration (`plugins.config.<id>`). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  /** A folder for this plugin's files, created on first use. */
  dataDir(): string;
  /** The plugin's own container scope; core services resolve through it. */
  readonly container: AwilixContainer;
  readonly sequelize: Sequelize;

  services: {
    /** Registers `<id>.<name>` in the plugin's scope. */
    register(name: string, resolver: Resolver<unknown>): void;
    resolve<T>(name: string): T;
  };
  /** Services of a plugin named in dependsOn or optionalDeps (null when an optional one is absent). */
  dependency<T = Record<string, unknown>>(pluginId: string): { resolve<S = T>(name: string): S } | null;
  models: {
    /** Defines a model on table `<id>_<table>`. */
    define<M extends Model>(name: string, table: string, attributes: ModelAttributes<M>, options?: ModelOptions<M>): ModelStatic<M>;
    get<M extends Model>(name: string): ModelStatic<M>;
  };
  migrations: {
    add(migrations: MigrationDefinition[]): void;
    addFolder(folder: string): void;
  };
  routes: {
    /** Authenticated route under `/api/plugins/<id>`. */
    add<I extends RouteInput>(route: RouteDefinition<I>): void;
    /** Public route under `/p/<id>`; its permission must be 'public'. */
    addPublic<I extends RouteInput>(route: RouteDefinition<I>): void;
  };
  events: {
    /**
     * Declares an event `<id>.<name>` and who may receive it over socket.io; with `webhook`, admins
     * may also subscribe webhook URLs to it (docs/webhooks.md).
     */
    define(name: string, options: { permission: string | null; description?: string; webhook?: WebhookEventSpec }): void;
    publish(name: string, payload: unknown): void;
    subscribe<K extends EventName>(name: K, handler: EventHandler<K>): void;
    subscribe(name: string, handler: (payload: unknown) => void | Promise<void>): void;
  };
  jobs: { add(job: JobDefinition): void };
  ui: {
    /**
     * An admin page: `module` (inside the plugin's `ui/` folder) is served at
     * `/ui/plugins/<id>/<file>` and exports `default function mount(element, api)`.
     */
    page(page: UiPageDefinition): void;
    /** A card on the dashboard (after the core cards), for users holding its permission. */
    dashboardCard(card: UiCardDefinition): void;
    /** The plugin's own UI strings, per locale, handed to its pages' `api.t`. */
    strings(strings: { en: Record<string, string>; fr: Record<string, string> }): void;
  };
  /**
   * The audit log for what the plugin changes outside its routes (jobs, imports, syncs). Routes
   * are audited by the host; give them `audit: { snapshot, description }` to keep what changed.
   */
  audit: {
    /** Declares the action `<id>.<name>` and what it means, in English and French (in register). */
    declare(name: string, description: LocalisedText): void;
    /** Records a declared action; with before/after (null: did not exist) it keeps the masked difference. */
    record(entry: PluginAuditRecord): Promise<void>;
  };
  collections: {
    contribute(collection: string, item: unknown): void;
    list<T>(collection: string): T[];
  };
  settings: {
    /** The settings as the manifest's `settings` schema parsed them (file config, then what admins saved). Throws when they are invalid. */
    current<T = Record<string, unknown>>(): T;
    /** Runs after an admin saved new settings, with the parsed values (while the plugin runs). */
    onChange(handler: (settings: Record<string, unknown>) => void | Promise<void>): void;
  };
}

/** What a plugin's `health()` reports; shown in `/api/health` and the plugins page. */
export interface PluginHealth {
  /** `ok`; `degraded`: works with limits (a remote service slow, a quota near); `down`: does not do its job. */
  status: 'ok' | 'degraded' | 'down';
  /** For the admin: what is wrong and what to do. A string, or one text per locale. */
  message?: string | LocalisedText;
}

export interface PluginAuditRecord {
  /** A declared action: `name` or `<id>.name`. */
  action: string;
  /** What it changed, e.g. `contact:12`. */
  target?: string | null;
  /** Who did it (a route's `identity`); absent: the plugin itself (a job). */
  identity?: Identity | null;
  ip?: string | null;
  requestId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Fields holding secrets; names that look secret (password, token, secret, key…) are masked anyway. */
  secretFields?: string[];
  ignoreFields?: string[];
  details?: Record<string, unknown> | null;
}

export interface PluginManifest {
  id: string;
  version: string;
  /** Semver range of the host's plugin API, e.g. `^1`. */
  apiVersion: string;
  /** The name people read (plugins page, CLI): one string, or one per locale (`{ en, fr }`). */
  displayName?: string | LocalisedText;
  description?: string;
  dependsOn?: string[];
  optionalDeps?: string[];
  permissions?: Array<string | PermissionDefinition>;
  register?: (ctx: PluginContext) => void | Promise<void>;
  start?: (ctx: PluginContext) => void | Promise<void>;
  stop?: (ctx: PluginContext) => void | Promise<void>;
  /**
   * Checked while the plugin runs, when `/api/health` or the plugins page is read (at most once a
   * second). Answer quickly: past the host's timeout (2 s) the plugin counts as `down`.
   */
  health?: (ctx: PluginContext) => PluginHealth | Promise<PluginHealth>;
  /**
   * Settings admins edit on the plugin's settings page (generated, no page to write): a zod object
   * (`z.object`, from `@carillon/plugin-api`); each field may carry `.meta({ label, help, secret,
   * options })`. Needs the permission `<id>.configure`. Read them with `ctx.settings.current()`.
   */
  settings?: SettingsSchema;
}

export type { CarillonEvents };
