import fs from 'node:fs';
import path from 'node:path';
import { Lifetime, type AwilixContainer, type Resolver } from 'awilix';
import { z } from 'zod';
import type { Model, ModelAttributes, ModelOptions, ModelStatic, Sequelize } from 'sequelize';
import type { CarillonConfig } from '../config/schema';
import type { Logger } from '../logging/logger';
import type { EventBus } from '../events/bus';
import { PUBLIC, type PermissionCatalogue } from '../auth/permissions';
import type { AuditActionCatalogue } from '../audit/audit-actions';
import type { AuditService } from '../audit/audit-service';
import { localisedTextSchema } from '../i18n/localised-text';
import { loadMigrationFolder, MigrationFailedError, NamespaceMigrator, type MigrationDefinition } from '../db/migrator';
import { HttpError } from '../http/problem';
import type { RouteDefinition, RouteInput, RouteTable } from '../http/routes';
import { JobScheduler, type ScheduledJob } from '../jobs/scheduler';
import { PluginStateRecord } from '../settings/model';
import { CollectionRegistry } from './collections';
import { discoverBundled, discoverPackages, type DiscoveredPlugin } from './discovery';
import { PluginError, type PluginErrorCode } from './errors';
import type { ValidManifest } from './manifest';
import { addUiCard, addUiPage, setUiStrings, type PluginUi } from './plugin-ui';
import { PluginRuntimeReporter } from './runtime-report';
import { modelMismatch } from './model-check';
import { PluginSettingsStore, describeSettings, type SettingsField } from './plugin-settings';
import { HealthCache, localised, runHealthCheck, type PluginHealthReport } from './plugin-health';
import type { JobDefinition, LocalisedText, PluginContext, PluginState } from './types';

export interface PluginInfo {
  id: string;
  version: string | null;
  /** Per locale; a plugin that gave one string has it in every locale. */
  displayName: LocalisedText | null;
  source: 'bundled' | 'package';
  state: PluginState;
  enabled: boolean;
  dependsOn: string[];
  optionalDeps: string[];
  error: { code: PluginErrorCode; message: string } | null;
  /** It declares settings: the admin UI offers its generated settings page. */
  hasSettings: boolean;
}

interface PluginRecord {
  id: string;
  discovered: DiscoveredPlugin;
  manifest: ValidManifest | null;
  state: PluginState;
  enabled: boolean;
  error: PluginError | null;
  registered: boolean;
  ctx: PluginContext | null;
  migrations: MigrationDefinition[];
  subscriptions: Array<{ name: string; handler: (payload: unknown, meta: unknown) => unknown }>;
  jobs: JobDefinition[];
  ui: PluginUi | null;
  /** Parsed settings (manifest `settings`), or why they do not validate. */
  settings: { values: Record<string, unknown> | null; problem: string | null } | null;
  settingsHandlers: Array<(settings: Record<string, unknown>) => void | Promise<void>>;
  /** Models defined with ctx.models.define, checked against their tables before start. */
  models: Map<string, ModelStatic<Model>>;
  /** Undo list for what is active while started: subscriptions, jobs. */
  active: Array<() => void>;
}

export interface PluginHostDeps {
  config: CarillonConfig;
  logger: Logger;
  container: AwilixContainer;
  sequelize: Sequelize;
  routeTable: RouteTable;
  events: EventBus;
  permissionCatalogue: PermissionCatalogue;
  auditService: AuditService;
  auditActions: AuditActionCatalogue;
  jobScheduler: JobScheduler;
  collections: CollectionRegistry;
  settingsStore: PluginSettingsStore;
}

function tablePrefix(id: string): string {
  return `${id.replace(/-/g, '_')}_`;
}

/**
 * Finds, orders, registers, migrates, starts and stops plugins. A plugin that fails is marked
 * `failed` with a coded reason; core and every plugin that does not depend on it keep running.
 */
export class PluginHost {
  private readonly records = new Map<string, PluginRecord>();
  /** Plugins that never got an id of their own (unreadable manifest) or lost a duplicate-id contest. */
  private readonly rejected: PluginRecord[] = [];
  private order: string[] = [];
  private readonly bundledDir: string;
  /** Set in the serving process only: it records plugin states for the CLI (see runtime-report.ts). */
  private reporter: PluginRuntimeReporter | null = null;

  constructor(private readonly deps: PluginHostDeps) {
    deps.collections.setActive((owner) => this.isStarted(owner));
    this.bundledDir = deps.config.plugins.bundledDir
      ? path.resolve(deps.config.plugins.bundledDir)
      : path.resolve(__dirname, '..', '..', 'plugins');
  }

  private get logger(): Logger {
    return this.deps.logger;
  }

  /** Discovers plugins, reads which are enabled, and computes the load order. Loads no plugin code beyond manifests. */
  async discover(): Promise<void> {
    const found = [...discoverBundled(this.bundledDir), ...discoverPackages(this.deps.config.resolved.pluginDir)];
    // Before core's first migration (e.g. `carillon migrate status` on a new database) nothing is persisted yet.
    const hasStates = await this.deps.sequelize.getQueryInterface().tableExists(PluginStateRecord.getTableName());
    const persisted = new Map(hasStates ? (await PluginStateRecord.findAll()).map((row) => [row.pluginId, row.enabled]) : []);
    for (const discovered of found) {
      const manifest = discovered.manifest ?? null;
      const id = manifest?.id ?? discovered.name;
      const record: PluginRecord = {
        id,
        discovered,
        manifest,
        state: 'stopped',
        enabled: persisted.get(id) ?? true,
        error: discovered.error ?? null,
        registered: false,
        ctx: null,
        migrations: [],
        subscriptions: [],
        jobs: [],
        ui: null,
        models: new Map(),
        settings: null,
        settingsHandlers: [],
        active: [],
      };
      if (!manifest) {
        this.rejected.push(record);
        continue;
      }
      const existing = this.records.get(id);
      if (existing) {
        record.error = new PluginError('plugin_duplicate_id', `Another plugin with id "${id}" is already loaded from ${existing.discovered.root}.`);
        this.rejected.push(record);
        continue;
      }
      this.records.set(id, record);
    }
    this.order = this.computeOrder();
    for (const record of [...this.records.values(), ...this.rejected]) {
      if (record.error) this.logger.error({ plugin: record.id, code: record.error.code, reason: record.error.message }, 'plugin failed');
    }
  }

  /** Topological order from dependsOn (and optionalDeps when present); cycles are failures. */
  private computeOrder(): string[] {
    const order: string[] = [];
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (id: string, trail: string[]): void => {
      if (done.has(id)) return;
      const record = this.records.get(id)!;
      if (visiting.has(id)) {
        const cycle = [...trail.slice(trail.indexOf(id)), id];
        for (const member of cycle) {
          const r = this.records.get(member)!;
          r.error ??= new PluginError('plugin_dependency_cycle', `Dependency cycle: ${cycle.join(' → ')}.`);
        }
        return;
      }
      visiting.add(id);
      const deps = [...record.manifest!.dependsOn, ...record.manifest!.optionalDeps].filter((dep) => this.records.has(dep)).sort();
      for (const dep of deps) visit(dep, [...trail, id]);
      visiting.delete(id);
      done.add(id);
      order.push(id);
    };
    for (const id of [...this.records.keys()].sort()) visit(id, []);
    return order;
  }

  /** Why a plugin cannot run now because of its dependencies, or null. */
  private dependencyProblem(record: PluginRecord): PluginError | null {
    for (const dep of record.manifest!.dependsOn) {
      const target = this.records.get(dep);
      if (!target) return new PluginError('plugin_dependency_missing', `It needs the plugin "${dep}", which is not installed.`);
      if (target.state !== 'started') {
        const why = target.state === 'disabled' ? 'is disabled' : `failed (${target.error?.code ?? 'unknown'})`;
        return new PluginError('plugin_dependency_unavailable', `It needs the plugin "${dep}", which ${why}.`);
      }
    }
    return null;
  }

  private fail(record: PluginRecord, error: PluginError): void {
    record.state = 'failed';
    record.error = error;
    this.logger.error({ plugin: record.id, code: error.code, reason: error.message }, 'plugin failed');
    this.publishState(record);
  }

  /** Called by the serving process: from now on every state change is recorded for `carillon plugin list`. */
  reportRuntimeStates(): void {
    this.reporter ??= new PluginRuntimeReporter(this.logger);
  }

  private report(stopped = false): Promise<void> {
    return this.reporter?.write(this.list().map(({ id, state, error }) => ({ id, state, error })), stopped) ?? Promise.resolve();
  }

  private publishState(record: PluginRecord): void {
    this.healthCache.forget(record.id);
    void this.report();
    this.deps.events.publish('plugin.stateChanged', {
      id: record.id,
      state: record.state,
      error: record.error ? { code: record.error.code, message: record.error.message } : null,
    });
  }

  /** Registers every enabled plugin (declarations only) so that its migrations are known. */
  async registerAll(): Promise<void> {
    for (const id of this.order) {
      const record = this.records.get(id)!;
      if (record.error) continue;
      if (!record.enabled) {
        record.state = 'disabled';
        continue;
      }
      await this.register(record);
    }
  }

  private async register(record: PluginRecord): Promise<boolean> {
    if (record.registered) return true;
    const problem = this.dependencyProblem(record) ?? this.missingDependencyOnly(record);
    if (problem) {
      this.fail(record, problem);
      return false;
    }
    const manifest = record.manifest!;
    try {
      this.deps.permissionCatalogue.add(record.id, manifest.permissionDefinitions);
      record.migrations = loadMigrationFolder(path.join(record.discovered.root, 'migrations'));
      record.ui = null;
      record.ctx = this.createContext(record);
      if (manifest.settings) {
        record.settings = await this.deps.settingsStore.effective(record.id, manifest.settings, this.fileConfig(record.id));
        this.addSettingsRoutes(record);
      }
      await manifest.register?.(record.ctx);
      record.registered = true;
      return true;
    } catch (err) {
      this.fail(record, new PluginError('plugin_register_failed', `register() threw: ${(err as Error).message}`));
      return false;
    }
  }

  /** During registration dependencies are only registered, not started yet: check presence and failure only. */
  private missingDependencyOnly(record: PluginRecord): PluginError | null {
    for (const dep of record.manifest!.dependsOn) {
      const target = this.records.get(dep);
      if (!target) return new PluginError('plugin_dependency_missing', `It needs the plugin "${dep}", which is not installed.`);
      if (target.state === 'disabled' || !target.enabled) return new PluginError('plugin_dependency_unavailable', `It needs the plugin "${dep}", which is disabled.`);
      if (target.error || !target.registered) return new PluginError('plugin_dependency_unavailable', `It needs the plugin "${dep}", which failed (${target.error?.code ?? 'not registered'}).`);
    }
    return null;
  }

  migratorFor(id: string): NamespaceMigrator {
    const record = this.records.get(id);
    if (!record || !record.registered) throw new Error(`Plugin "${id}" is not installed, not enabled, or failed to register`);
    return new NamespaceMigrator(this.deps.sequelize, `plugin:${id}`, record.migrations, this.logger, tablePrefix(id));
  }

  /** Registered plugins, in load order: the ones whose migrations can run. */
  registeredIds(): string[] {
    return this.order.filter((id) => this.records.get(id)!.registered);
  }

  /** Runs migrations and start() of every registered plugin, in dependency order. */
  async startAll(): Promise<void> {
    for (const id of this.order) {
      const record = this.records.get(id)!;
      if (record.registered && record.state !== 'disabled') await this.migrateAndStart(record);
    }
    await this.report();
  }

  private async migrateAndStart(record: PluginRecord): Promise<void> {
    const problem = this.dependencyProblem(record);
    if (problem) return this.fail(record, problem);
    try {
      await this.migratorFor(record.id).up();
    } catch (err) {
      const restored = err instanceof MigrationFailedError ? (err.restored ? ' The database was left as it was before it.' : ' Undoing it failed: check the database.') : '';
      return this.fail(record, new PluginError('plugin_migration_failed', `${(err as Error).message}.${restored}`));
    }
    if (record.settings?.problem) return this.fail(record, new PluginError('plugin_settings_invalid', `${record.settings.problem}. Correct them on the plugin's settings page.`));
    const mismatch = await modelMismatch(this.deps.sequelize, [...record.models.values()]);
    if (mismatch) return this.fail(record, new PluginError('plugin_model_mismatch', mismatch));
    try {
      await this.deps.permissionCatalogue.persist(record.id);
      for (const job of record.jobs) {
        const scheduled: ScheduledJob = this.deps.jobScheduler.schedule(record.id, job);
        record.active.push(() => scheduled.stop());
      }
      for (const sub of record.subscriptions) record.active.push(this.deps.events.subscribe(sub.name, sub.handler));
      record.state = 'started';
      await record.manifest!.start?.(record.ctx!);
      record.error = null;
      this.logger.info({ plugin: record.id, version: record.manifest!.version }, 'plugin started');
      this.publishState(record);
    } catch (err) {
      this.deactivate(record);
      this.fail(record, new PluginError('plugin_start_failed', `start() threw: ${(err as Error).message}`));
    }
  }

  private deactivate(record: PluginRecord): void {
    for (const undo of record.active.splice(0).reverse()) undo();
  }

  private async stopOne(record: PluginRecord): Promise<void> {
    if (record.state !== 'started') return;
    this.deactivate(record);
    try {
      await record.manifest!.stop?.(record.ctx!);
    } catch (err) {
      this.logger.error({ err, plugin: record.id }, 'plugin stop() threw');
    }
  }

  /** Stops plugins in reverse load order. */
  async stopAll(): Promise<void> {
    for (const id of [...this.order].reverse()) {
      const record = this.records.get(id)!;
      await this.stopOne(record);
      if (record.state === 'started') record.state = 'stopped';
    }
    await this.report(true);
  }

  list(): PluginInfo[] {
    const all = [...this.order.map((id) => this.records.get(id)!), ...this.rejected];
    return all.map((record) => ({
      id: record.id,
      version: record.manifest?.version ?? null,
      displayName: localised(record.manifest?.displayName),
      source: record.discovered.source,
      state: record.error ? 'failed' : record.state,
      enabled: record.enabled,
      dependsOn: record.manifest?.dependsOn ?? [],
      optionalDeps: record.manifest?.optionalDeps ?? [],
      error: record.error ? { code: record.error.code, message: record.error.message } : null,
      hasSettings: Boolean(record.manifest?.settings),
    }));
  }

  get(id: string): PluginInfo {
    const info = this.list().find((p) => p.id === id);
    if (!info) throw HttpError.notFound('plugin', `No plugin with id "${id}".`);
    return info;
  }

  private readonly healthCache = new HealthCache();

  /** Health reports of running plugins that declare `health()`, by id; checked in parallel, each with a timeout. */
  async health(): Promise<Map<string, PluginHealthReport>> {
    const checked = this.order
      .map((id) => this.records.get(id)!)
      .filter((record) => record.state === 'started' && record.manifest?.health)
      .map(async (record) => [record.id, await this.healthCache.get(record.id, () => runHealthCheck(() => record.manifest!.health!(record.ctx!)))] as const);
    return new Map(await Promise.all(checked));
  }

  isStarted(id: string): boolean {
    return this.records.get(id)?.state === 'started';
  }

  /** Admin pages of running plugins, in load order. */
  uiContributions(): PluginUi[] {
    return this.order.map((id) => this.records.get(id)!).filter((r) => r.state === 'started' && r.ui).map((r) => r.ui!);
  }

  /** Persists the choice; a running host applies it at once where it can. */
  async setEnabled(id: string, enabled: boolean, options: { live: boolean }): Promise<PluginInfo & { restartRequired: boolean }> {
    const record = this.records.get(id);
    if (!record) throw HttpError.notFound('plugin', `No plugin with id "${id}".`);
    if (!enabled) {
      const dependents = this.order.filter((other) => {
        const r = this.records.get(other)!;
        return r.enabled && r.manifest!.dependsOn.includes(id);
      });
      if (dependents.length) {
        throw HttpError.conflict('plugin_has_dependents', `Disable first the plugins that depend on "${id}": ${dependents.join(', ')}.`);
      }
    }
    await PluginStateRecord.upsert({ pluginId: id, enabled, updatedAt: new Date() });
    record.enabled = enabled;
    let restartRequired = false;
    if (options.live) {
      if (!enabled) {
        await this.stopOne(record);
        record.state = 'disabled';
        record.error = null;
        this.publishState(record);
      } else if (record.state !== 'started') {
        record.error = null;
        record.state = 'stopped';
        if (await this.register(record)) await this.migrateAndStart(record);
        restartRequired = !this.isStarted(id);
      }
    } else {
      restartRequired = true;
    }
    return { ...this.get(id), restartRequired };
  }

  private fileConfig(id: string): Record<string, unknown> {
    return (this.deps.config.plugins.config[id] as Record<string, unknown> | undefined) ?? {};
  }

  private settingsRecord(id: string): PluginRecord & { manifest: ValidManifest & { settings: NonNullable<ValidManifest['settings']> } } {
    const record = this.records.get(id);
    if (!record?.manifest?.settings) throw HttpError.notFound('plugin', `The plugin "${id}" has no settings.`);
    return record as PluginRecord & { manifest: ValidManifest & { settings: NonNullable<ValidManifest['settings']> } };
  }

  /** The settings form of a plugin: its fields (from its schema) and current values, secrets only as set / not set. */
  async settingsView(id: string): Promise<{ plugin: { id: string; displayName: LocalisedText | null; state: PluginState }; fields: SettingsField[]; values: Record<string, unknown> }> {
    const record = this.settingsRecord(id);
    const view = await this.deps.settingsStore.view(id, record.manifest.settings, this.fileConfig(id));
    const info = this.get(id);
    return { plugin: { id, displayName: info.displayName, state: info.state }, ...view };
  }

  /** Saves settings (all or nothing), hands them to the running plugin, and starts a plugin that failed on its settings. */
  async saveSettings(id: string, input: Record<string, unknown>): ReturnType<PluginHost['settingsView']> {
    const record = this.settingsRecord(id);
    const values = await this.deps.settingsStore.save(id, record.manifest.settings, this.fileConfig(id), input);
    record.settings = { values, problem: null };
    this.deps.events.publish('plugin.settingsChanged', { id });
    if (record.state === 'started') {
      for (const handler of record.settingsHandlers) {
        await Promise.resolve()
          .then(() => handler(values))
          .catch((err: unknown) => this.logger.error({ err, plugin: id }, 'settings change handler failed'));
      }
    } else if (record.enabled && record.registered && record.error?.code === 'plugin_settings_invalid') {
      record.error = null;
      record.state = 'stopped';
      await this.migrateAndStart(record);
    }
    return this.settingsView(id);
  }

  /** GET and PUT `/api/plugins/<id>/settings`, with the plugin's `<id>.configure` permission; they answer while it is registered, even failed. */
  private addSettingsRoutes(record: PluginRecord): void {
    const id = record.id;
    const permission = `${id}.configure`;
    const prefix = `/api/plugins/${id}`;
    const available = () => record.registered && record.enabled;
    if (this.deps.routeTable.list().some((r) => r.def.id === `${id}.settings.get`)) return;
    describeSettings(record.manifest!.settings!);
    this.deps.routeTable.add(id, prefix, { id: `${id}.settings.get`, method: 'GET', path: '/settings', summary: 'The plugin settings form: fields from its schema and current values (secrets as set / not set)', permission, handler: () => this.settingsView(id) }, available);
    this.deps.routeTable.add(
      id,
      prefix,
      {
        id: `${id}.settings.update`,
        method: 'PUT',
        path: '/settings',
        summary: 'Save the plugin settings (validated by its schema; all or nothing). A secret left out is kept, null clears it',
        permission,
        input: { body: z.record(z.string(), z.unknown()) },
        handler: ({ body }) => this.saveSettings(id, body as Record<string, unknown>),
      },
      available,
    );
  }

  private createContext(record: PluginRecord): PluginContext {
    const { deps } = this;
    const id = record.id;
    const manifest = record.manifest!;
    const scope = deps.container.createScope();
    const logger = deps.logger.child({ plugin: id });
    const models = new Map<string, ModelStatic<Model>>();
    record.models = models;
    const allowedDeps = new Set([...manifest.dependsOn, ...manifest.optionalDeps]);
    const isEnabled = () => record.state === 'started';
    const addRoute = (prefix: string, route: RouteDefinition<RouteInput>) => {
      if (prefix.startsWith('/p/') !== (route.permission === PUBLIC)) {
        throw new Error(`Route ${route.id}: public routes go through routes.addPublic, and only they may be public`);
      }
      if (route.permission !== PUBLIC && route.permission !== 'authenticated' && !deps.permissionCatalogue.has(route.permission)) {
        throw new Error(`Route ${route.id} needs the unknown permission "${route.permission}"`);
      }
      deps.routeTable.add(id, prefix, { ...route, id: `${id}.${route.id}` }, isEnabled);
    };
    const ownEvent = (name: string) => (name.startsWith(`${id}.`) ? name : `${id}.${name}`);

    return {
      id,
      version: manifest.version,
      config: (deps.config.plugins.config[id] as Record<string, unknown> | undefined) ?? {},
      logger,
      dataDir: () => {
        const dir = path.join(deps.config.resolved.dataDir, 'plugins', id);
        fs.mkdirSync(dir, { recursive: true });
        return dir;
      },
      container: scope,
      sequelize: deps.sequelize,
      services: {
        register: (name: string, resolver: Resolver<unknown>) => {
          // awilix keeps singletons for the root container; in a plugin's scope "one instance" is scoped.
          const builder = resolver as Resolver<unknown> & { setLifetime?: (lifetime: string) => Resolver<unknown> };
          const adjusted = builder.lifetime === Lifetime.SINGLETON && builder.setLifetime ? builder.setLifetime(Lifetime.SCOPED) : resolver;
          scope.register(`${id}.${name}`, adjusted);
        },
        // A bare name is the plugin's own service when it registered one, otherwise a core service.
        resolve: <T>(name: string) => scope.resolve<T>(!name.includes('.') && scope.hasRegistration(`${id}.${name}`) ? `${id}.${name}` : name),
      },
      dependency: (pluginId: string) => {
        if (!allowedDeps.has(pluginId)) throw new Error(`"${pluginId}" is not in dependsOn or optionalDeps of ${id}`);
        const target = this.records.get(pluginId);
        if (!target?.ctx || target.state === 'failed' || !target.registered) return null;
        return { resolve: <S>(name: string) => target.ctx!.services.resolve<S>(name) };
      },
      models: {
        define: <M extends Model>(name: string, table: string, attributes: ModelAttributes<M>, options: ModelOptions<M> = {}) => {
          const tableName = table.startsWith(tablePrefix(id)) ? table : `${tablePrefix(id)}${table}`;
          // As in Sequelize: timestamps on (created_at, updated_at) unless the plugin says otherwise.
          const model = deps.sequelize.define<M>(`${id}.${name}`, attributes, { timestamps: true, ...options, tableName });
          models.set(name, model as unknown as ModelStatic<Model>);
          return model;
        },
        get: <M extends Model>(name: string) => {
          const model = models.get(name);
          if (!model) throw new Error(`Model ${name} is not defined by ${id}`);
          return model as unknown as ModelStatic<M>;
        },
      },
      migrations: {
        add: (migrations: MigrationDefinition[]) => {
          record.migrations.push(...migrations);
          record.migrations.sort((a, b) => a.name.localeCompare(b.name));
        },
        addFolder: (folder: string) => {
          const loaded = loadMigrationFolder(path.resolve(record.discovered.root, folder));
          record.migrations.push(...loaded);
          record.migrations.sort((a, b) => a.name.localeCompare(b.name));
        },
      },
      routes: {
        add: (route) => addRoute(`/api/plugins/${id}`, route as RouteDefinition<RouteInput>),
        addPublic: (route) => addRoute(`/p/${id}`, route as RouteDefinition<RouteInput>),
      },
      events: {
        define: (name, options) => deps.events.define(ownEvent(name), { ...options, owner: id }),
        publish: (name, payload) => deps.events.publish(ownEvent(name), payload, id),
        subscribe: (name: string, handler: (payload: never, meta: never) => unknown) => {
          const sub = { name, handler: handler as (payload: unknown, meta: unknown) => unknown };
          // From register(): active while started, every time it starts. From start(): this run only.
          if (record.state === 'started') record.active.push(deps.events.subscribe(sub.name, sub.handler));
          else record.subscriptions.push(sub);
        },
      },
      jobs: {
        add: (job) => {
          JobScheduler.assertValid(job);
          if (record.state === 'started') {
            const scheduled = deps.jobScheduler.schedule(id, job);
            record.active.push(() => scheduled.stop());
          } else record.jobs.push(job);
        },
      },
      ui: {
        page: (page) => {
          record.ui = addUiPage(record.ui, id, record.discovered.root, page, (key) => deps.permissionCatalogue.has(key));
        },
        dashboardCard: (card) => {
          record.ui = addUiCard(record.ui, id, record.discovered.root, card, (key) => deps.permissionCatalogue.has(key));
        },
        strings: (strings) => {
          record.ui = setUiStrings(record.ui, id, record.discovered.root, strings);
        },
      },
      audit: {
        declare: (name, description) => {
          const parsed = localisedTextSchema.safeParse(description);
          if (!parsed.success) throw new Error(`Audit action ${ownEvent(name)} needs a description in English and French ({ en, fr })`);
          deps.auditActions.declare(id, ownEvent(name), parsed.data);
        },
        record: async (entry) => {
          const action = ownEvent(entry.action);
          if (!deps.auditActions.has(action)) throw new Error(`Audit action ${action} is not declared: call ctx.audit.declare('${entry.action}', { en, fr }) in register()`);
          const user = entry.identity?.user;
          await deps.auditService.recordChange({
            userId: user?.id ?? null,
            actor: user?.email ?? `plugin:${id}`,
            action,
            target: entry.target ?? null,
            ip: entry.ip ?? null,
            requestId: entry.requestId ?? null,
            details: entry.details ?? null,
            before: entry.before ?? null,
            after: entry.after ?? null,
            secretFields: entry.secretFields,
            ignoreFields: entry.ignoreFields,
          });
        },
      },
      collections: {
        contribute: (collection, item) => deps.collections.contribute(collection, id, item),
        list: <T>(collection: string) => deps.collections.list<T>(collection),
      },
      settings: {
        current: <T>() => {
          if (!manifest.settings) throw new Error(`${id} declares no settings in its manifest`);
          if (!record.settings?.values) throw new Error(record.settings?.problem ?? `The settings of ${id} are not loaded yet`);
          return record.settings.values as T;
        },
        onChange: (handler) => {
          record.settingsHandlers.push(handler);
        },
      },
    };
  }
}
