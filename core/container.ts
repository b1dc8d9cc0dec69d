import { asFunction, asValue, createContainer, InjectionMode, type AwilixContainer } from 'awilix';
import type { Sequelize } from 'sequelize';
import type { CarillonConfig } from './config/schema';
import type { Logger } from './logging/logger';
import { AuditActionCatalogue } from './audit/audit-actions';
import { AuditService } from './audit/audit-service';
import { ApiTokenService } from './auth/api-token-service';
import { Authenticator } from './auth/authenticator';
import { CredentialCaches } from './auth/credential-cache';
import { LoginService } from './auth/login-service';
import { LoginThrottle } from './auth/login-throttle';
import { AccountLockout } from './auth/account-lockout';
import { PasswordHasher } from './auth/passwords';
import { PermissionCatalogue } from './auth/permissions';
import { RoleService } from './auth/role-service';
import { SessionService } from './auth/session-service';
import { SetupService } from './auth/setup-service';
import { TotpService } from './auth/totp-service';
import { UserService } from './auth/user-service';
import { EventBus } from './events/bus';
import { SocketGateway } from './events/socket-gateway';
import { RouteTable } from './http/routes';
import { JobScheduler } from './jobs/scheduler';
import { CollectionRegistry } from './plugins/collections';
import { PluginHost } from './plugins/plugin-host';
import { PluginSettingsStore } from './plugins/plugin-settings';
import { SecretBox } from './security/secret-box';
import { SettingsService } from './settings/settings-service';
import { TelephonyStatus } from './telephony/engine-status';
import { TelephonyService } from './telephony/telephony-service';

/** The core services, by the names plugins resolve them with. */
export interface CoreCradle {
  config: CarillonConfig;
  logger: Logger;
  sequelize: Sequelize;
  secretBox: SecretBox;
  events: EventBus;
  permissionCatalogue: PermissionCatalogue;
  passwordHasher: PasswordHasher;
  roleService: RoleService;
  userService: UserService;
  /** Sessions, tokens and accounts of the request path, cleared by every write to them. */
  credentialCaches: CredentialCaches;
  sessionService: SessionService;
  apiTokenService: ApiTokenService;
  totpService: TotpService;
  loginService: LoginService;
  setupService: SetupService;
  auditService: AuditService;
  /** Every audit action with its description (core's, each audited route's, plugins'). */
  auditActions: AuditActionCatalogue;
  settingsService: SettingsService;
  authenticator: Authenticator;
  routeTable: RouteTable;
  jobScheduler: JobScheduler;
  collections: CollectionRegistry;
  pluginHost: PluginHost;
  telephonyStatus: TelephonyStatus;
  /** The telephony API for plugins: call events, commands, Stasis routes. */
  telephony: TelephonyService;
  socketGateway: SocketGateway;
}

export function buildContainer(base: { config: CarillonConfig; logger: Logger; sequelize: Sequelize }): AwilixContainer<CoreCradle> {
  const container = createContainer<CoreCradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  container.register({
    config: asValue(base.config),
    logger: asValue(base.logger),
    sequelize: asValue(base.sequelize),
    secretBox: asFunction(({ config }: CoreCradle) => SecretBox.fromKeyFile(config.resolved.secretKeyFile)).singleton(),
    events: asFunction(({ logger }: CoreCradle) => new EventBus(logger)).singleton(),
    permissionCatalogue: asFunction(() => new PermissionCatalogue()).singleton(),
    passwordHasher: asFunction(() => new PasswordHasher()).singleton(),
    roleService: asFunction((c: CoreCradle) => new RoleService(c.sequelize, c.permissionCatalogue, c.events)).singleton(),
    // Settings live in a core module registered after this: resolved when a user is created.
    userService: asFunction((c: CoreCradle) => new UserService(c.sequelize, c.passwordHasher, c.roleService, c.events, () => c.systemSettingsService.newUserDefaults())).singleton(),
    credentialCaches: asFunction(({ sequelize }: CoreCradle) => new CredentialCaches(sequelize)).singleton(),
    sessionService: asFunction((c: CoreCradle) => new SessionService(c.config, c.events, c.credentialCaches)).singleton(),
    apiTokenService: asFunction((c: CoreCradle) => new ApiTokenService(c.credentialCaches)).singleton(),
    totpService: asFunction((c: CoreCradle) => new TotpService(c.secretBox)).singleton(),
    loginService: asFunction(
      (c: CoreCradle) => new LoginService(c.config, c.userService, c.passwordHasher, c.sessionService, c.totpService, c.auditService, new LoginThrottle(c.config), new AccountLockout(c.config)),
    ).singleton(),
    setupService: asFunction((c: CoreCradle) => new SetupService(c.userService, c.settingsService, c.auditService, c.secretBox)).singleton(),
    auditService: asFunction(({ logger, auditActions }: CoreCradle) => new AuditService(logger, auditActions)).singleton(),
    auditActions: asFunction(({ routeTable }: CoreCradle) => {
      const catalogue = new AuditActionCatalogue();
      catalogue.follow(routeTable);
      return catalogue;
    }).singleton(),
    settingsService: asFunction(() => new SettingsService()).singleton(),
    authenticator: asFunction((c: CoreCradle) => new Authenticator(c.sessionService, c.apiTokenService, c.roleService, c.credentialCaches)).singleton(),
    routeTable: asFunction(() => new RouteTable()).singleton(),
    jobScheduler: asFunction(({ logger }: CoreCradle) => new JobScheduler(logger)).singleton(),
    collections: asFunction(() => new CollectionRegistry()).singleton(),
    pluginHost: asFunction(
      (c: CoreCradle) =>
        new PluginHost({
          config: c.config,
          logger: c.logger,
          container,
          sequelize: c.sequelize,
          routeTable: c.routeTable,
          events: c.events,
          permissionCatalogue: c.permissionCatalogue,
          auditService: c.auditService,
          auditActions: c.auditActions,
          jobScheduler: c.jobScheduler,
          collections: c.collections,
          settingsStore: new PluginSettingsStore(c.settingsService, () => c.secretBox),
        }),
    ).singleton(),
    telephonyStatus: asFunction(({ events }: CoreCradle) => new TelephonyStatus(events)).singleton(),
    telephony: asFunction((c: CoreCradle) => new TelephonyService({ config: c.config, logger: c.logger, telephonyStatus: c.telephonyStatus })).singleton(),
    socketGateway: asFunction((c: CoreCradle) => new SocketGateway(c.authenticator, c.events, c.roleService, c.logger)).singleton(),
  });
  return container;
}
