import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Context } from 'koa';
import type { AwilixContainer } from 'awilix';
import type { CarillonConfig } from './config/schema';
import { createLogger, type Logger } from './logging/logger';
import { createSequelize, describeDatabaseUrl, prepareConnection } from './db/database';
import { ensureMigrationsTable, loadMigrationFolder, NamespaceMigrator } from './db/migrator';
import { initAuthModels } from './auth/models';
import { initAuditModel } from './audit/model';
import { initSettingModels } from './settings/model';
import { buildContainer, type CoreCradle } from './container';
import { createHttpApp } from './http/app';
import { authRoutes, setupRoutes } from './auth/auth-routes';
import { userRoutes } from './auth/user-routes';
import { systemRoutes } from './system/system-routes';
import { registerSetupPage } from './system/setup-page';
import { servePluginUiFile } from './plugins/plugin-ui';
import { CORE_MODULES } from './modules';
import { createMainServer, createPlainServer, httpsOriginFor, readTlsCredentials } from './http/listeners';

export const CORE_MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');
export const CORE_NAMESPACE = 'core';

/**
 * One Carillon process: database, container, plugins, HTTP and socket.io. `open()` prepares
 * everything without listening (the CLI uses that), `start()` also serves.
 */
export class Carillon {
  readonly container: AwilixContainer<CoreCradle>;
  readonly logger: Logger;
  private server: http.Server | null = null;
  /** With `http.tls` and `http.plainPort`: plain HTTP for provisioning and health, redirects otherwise. */
  private plainServer: http.Server | null = null;
  private inFlight = 0;
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly config: CarillonConfig,
    logger: Logger,
    private readonly announce: (text: string) => void,
  ) {
    this.logger = logger;
    const sequelize = createSequelize(config.resolved.databaseUrl, { poolMax: config.database.poolMax, logSql: config.database.logSql, logger });
    initAuthModels(sequelize);
    initAuditModel(sequelize);
    initSettingModels(sequelize);
    for (const module of CORE_MODULES) module.initModels?.(sequelize);
    this.container = buildContainer({ config, logger, sequelize });
    for (const module of CORE_MODULES) {
      module.register?.(this.container);
      if (module.permissions) this.cradle.permissionCatalogue.add('core', module.permissions);
      for (const event of module.events ?? []) this.cradle.events.define(event.name, { permission: event.permission, description: event.description, webhook: event.webhook, owner: 'core' });
    }
  }

  /** `announce` shows a person things that must not go to the logs, such as the setup link (default: stdout). */
  static create(config: CarillonConfig, options: { logger?: Logger; announce?: (text: string) => void } = {}): Carillon {
    return new Carillon(config, options.logger ?? createLogger(config.log.level), options.announce ?? ((text) => process.stdout.write(text)));
  }

  get cradle(): CoreCradle {
    return this.container.cradle;
  }

  coreMigrator(): NamespaceMigrator {
    return new NamespaceMigrator(this.cradle.sequelize, CORE_NAMESPACE, loadMigrationFolder(CORE_MIGRATIONS_DIR), this.logger);
  }

  /** Connects to the database and reads plugins; with `migrate`, also brings core up to date. */
  async open(options: { migrate: boolean }): Promise<void> {
    const { sequelize, pluginHost, permissionCatalogue } = this.cradle;
    const db = describeDatabaseUrl(this.config.resolved.databaseUrl);
    this.logger.info({ dialect: db.dialect, location: db.location }, 'connecting to the database');
    await prepareConnection(sequelize);
    await ensureMigrationsTable(sequelize);
    if (options.migrate) await this.coreMigrator().up();
    await pluginHost.discover();
    await pluginHost.registerAll();
    if (options.migrate) await permissionCatalogue.persist('core');
  }

  /** Opens, migrates, starts plugins and serves HTTP and socket.io. Resolves with the base URL. */
  async start(): Promise<string> {
    const tlsCredentials = readTlsCredentials(this.config);
    await this.open({ migrate: true });
    const c = this.cradle;
    c.routeTable.add('core', '', { id: 'system.root', method: 'GET', path: '/', summary: 'Service name and where the API is described', permission: 'public', handler: () => ({ name: 'Carillon', api: '/api/openapi.json', health: '/api/health' }) });
    for (const route of setupRoutes(c)) c.routeTable.add('core', '/api/setup', route);
    for (const route of authRoutes(c)) c.routeTable.add('core', '/api/auth', route);
    for (const route of userRoutes(c)) c.routeTable.add('core', '/api', route);
    for (const route of systemRoutes(c)) c.routeTable.add('core', '/api', route);
    for (const module of CORE_MODULES) {
      for (const group of module.routes?.(this.container) ?? []) for (const route of group.routes) c.routeTable.add('core', group.prefix, route);
    }
    c.pluginHost.reportRuntimeStates();
    await c.pluginHost.startAll();
    for (const module of CORE_MODULES) await module.start?.(this.container);
    // In the background: Carillon serves while Asterisk is unreachable, and plugins' Stasis routes are in place first.
    c.telephony.start();
    c.jobScheduler.schedule('core', { name: 'purge-expired-sessions', schedule: '17 * * * *', run: async () => void (await c.sessionService.purgeExpired()) });

    const { app, router } = createHttpApp({ config: this.config, logger: this.logger, routeTable: c.routeTable, authenticator: c.authenticator, audit: c.auditService, observeRequest: (r) => c.carillonMetrics.observeHttp(r) });
    router.get('/ui/plugins/:id/*file', (ctx: Context) => servePluginUiFile(ctx, { uis: () => c.pluginHost.uiContributions(), authenticator: c.authenticator }));
    registerSetupPage(router);
    const handler = app.callback();
    const counted = (req: http.IncomingMessage, res: http.ServerResponse) => {
      this.inFlight++;
      res.on('close', () => this.inFlight--);
      void handler(req, res);
    };
    this.server = createMainServer(tlsCredentials, counted);
    c.socketGateway.attach(this.server);
    const listen = (server: http.Server, port: number) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.config.http.host, () => resolve());
      });
    await listen(this.server, this.config.http.port);
    if (this.config.http.tls && this.config.http.plainPort !== undefined) {
      this.plainServer = createPlainServer(counted, httpsOriginFor(this.config, () => (this.server?.address() as AddressInfo).port));
      await listen(this.plainServer, this.config.http.plainPort);
    }
    const url = this.baseUrl();
    this.logger.info({ url }, 'Carillon is listening');
    const token = await c.setupService.currentToken();
    if (token) {
      // Printed, not logged: the link is a secret for whoever reads this console once.
      this.announce(`\nNo administrator exists yet. Open this one-time link to create the first one:\n  ${url}/setup?token=${token}\n\n`);
    }
    return url;
  }

  baseUrl(): string {
    if (this.config.http.publicUrl) return this.config.http.publicUrl.replace(/\/$/, '');
    const address = this.server?.address() as AddressInfo | null;
    const host = this.config.http.host === '0.0.0.0' || this.config.http.host === '::' ? '127.0.0.1' : this.config.http.host;
    return `${this.config.http.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${address?.port ?? this.config.http.port}`;
  }

  /** The port the main server listens on (null before it listens). */
  listeningPort(): number | null {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address?.port ?? null;
  }

  /** The plain-HTTP port's URL (`http.plainPort` with TLS), or null. */
  plainUrl(): string | null {
    const address = this.plainServer?.address() as AddressInfo | null | undefined;
    if (!address) return null;
    const host = this.config.http.host === '0.0.0.0' || this.config.http.host === '::' ? '127.0.0.1' : this.config.http.host;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /** Stops accepting, lets in-flight requests end (up to the grace period), stops plugins in reverse order, closes the database. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const c = this.cradle;
      if (this.plainServer) {
        const plain = this.plainServer;
        await new Promise<void>((resolve) => {
          plain.close(() => resolve());
          plain.closeAllConnections();
        });
      }
      if (this.server) {
        const server = this.server;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await c.socketGateway.close();
        const deadline = Date.now() + this.config.http.shutdownGraceMs;
        while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        server.closeAllConnections();
        await closed;
      }
      c.jobScheduler.stopAll();
      for (const module of [...CORE_MODULES].reverse()) await module.stop?.(this.container);
      await c.telephony.stop();
      await c.pluginHost.stopAll();
      await c.sequelize.close();
      this.logger.info('Carillon stopped');
    })();
    return this.stopping;
  }
}
