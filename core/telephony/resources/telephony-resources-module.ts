import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreModule } from '../../core-module';
import type { CoreCradle } from '../../container';
import { CallDestinationRegistry } from './call-destinations';
import { CONFIG_CHANGED, TelephonyConfigChanges } from './config-changes';
import { DatabaseTelephonyConfigSource, type TelephonyConfigSource } from './config-source';
import { DestinationRules } from './destinations';
import { contributeExtensionDirectory } from './extension-directory-source';
import { ExtensionService } from './extension-service';
import { PublicHolidays } from './holidays';
import { InboundRouteService } from './inbound-route-service';
import { InternalNumbers } from './internal-numbers';
import { initTelephonyModels } from './models';
import { OutboundRouteService } from './outbound-route-service';
import type { TelephonyResources } from './resources';
import { RestrictionClassService } from './restriction-class-service';
import { RingGroupService } from './ring-group-service';
import { extensionRoutes } from './routes/extension-routes';
import { groupAndScheduleRoutes } from './routes/group-and-schedule-routes';
import { holidayRoutes } from './routes/holiday-routes';
import { extensionBulkRoutes } from './routes/extension-bulk-routes';
import { extensionCreateBody } from './routes/extension-routes';
import { BULK_PROGRESS, ExtensionBulkService } from './extension-bulk-service';
import { routingRoutes } from './routes/routing-routes';
import { settingsRoutes } from './routes/settings-routes';
import { trunkRoutes } from './routes/trunk-routes';
import { ScheduleService } from './schedule-service';
import { TelephonySettings } from './settings';
import { TrunkService } from './trunk-service';

declare module '../../container' {
  interface CoreCradle {
    /** Extensions, trunks, routes, ring groups, schedules (`schedules.isOpen`), telephony settings. */
    telephonyResources: TelephonyResources;
    /** Application destinations for inbound routes; plugins register theirs here or through `ctx.collections`. */
    callDestinations: CallDestinationRegistry;
    /** The configuration snapshot the generator turns into Asterisk files. */
    telephonyConfigSource: TelephonyConfigSource;
  }
}

function buildResources(c: CoreCradle): TelephonyResources {
  const changes = new TelephonyConfigChanges(c.events);
  const settings = new TelephonySettings(c.settingsService, changes);
  const destinations = new DestinationRules(c.callDestinations);
  const numbers = new InternalNumbers();
  const publicHolidays = new PublicHolidays();
  const extensions = new ExtensionService({ sequelize: c.sequelize, secretBox: c.secretBox, numbers, destinations, settings, changes });
  return {
    extensions,
    extensionBulk: new ExtensionBulkService({ sequelize: c.sequelize, extensions, changes, schema: extensionCreateBody, progress: (event) => c.events.publish(BULK_PROGRESS, event) }),
    trunks: new TrunkService({ sequelize: c.sequelize, secretBox: c.secretBox, settings, changes }),
    inboundRoutes: new InboundRouteService({ destinations, changes }),
    outboundRoutes: new OutboundRouteService({ sequelize: c.sequelize, changes }),
    restrictionClasses: new RestrictionClassService(changes),
    ringGroups: new RingGroupService({ sequelize: c.sequelize, numbers, destinations, changes }),
    schedules: new ScheduleService({ holidays: publicHolidays, destinations, changes }),
    publicHolidays,
    settings,
    callDestinations: c.callDestinations,
  };
}

/** Telephony resources: what Asterisk's configuration is generated from, and their API under /api/telephony. */
export const telephonyResourcesModule: CoreModule = {
  name: 'telephony-resources',
  permissions: [
    { key: 'telephony.read', description: { en: 'See extensions, trunks, routes, ring groups and opening hours', fr: 'Voir les postes, trunks, routes, groupes d’appel et horaires d’ouverture' }, defaultRoles: ['manager', 'supervisor', 'technician'] },
    { key: 'telephony.manage', description: { en: 'Create and change extensions, trunks, routes, ring groups and opening hours', fr: 'Créer et modifier les postes, trunks, routes, groupes d’appel et horaires d’ouverture' }, defaultRoles: ['technician'] },
    { key: 'telephony.secrets', description: { en: 'Show SIP passwords of extensions and trunks', fr: 'Afficher les mots de passe SIP des postes et des trunks' }, defaultRoles: ['technician'] },
  ],
  events: [
    { name: CONFIG_CHANGED, permission: null, description: 'A telephony resource changed: the Asterisk configuration must be regenerated' },
    { name: BULK_PROGRESS, permission: 'telephony.manage', description: 'Rows checked (plan) and created (apply) by an extension range or CSV import' },
  ],
  initModels: initTelephonyModels,
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      callDestinations: asFunction((c: CoreCradle) => new CallDestinationRegistry(c.collections)).singleton(),
      telephonyResources: asFunction(buildResources).singleton(),
      telephonyConfigSource: asFunction(
        (c: CoreCradle) =>
          new DatabaseTelephonyConfigSource({ config: c.config, secretBox: c.secretBox, settings: c.telephonyResources.settings, schedules: c.telephonyResources.schedules }),
      ).singleton(),
    });
    contributeExtensionDirectory(container.cradle.collections);
  },
  routes(container: AwilixContainer<CoreCradle>) {
    const resources = container.cradle.telephonyResources;
    return [
      {
        prefix: '/api/telephony',
        routes: [
          // Before extensionRoutes: `/extensions/export.csv` must not be taken for `/extensions/:id`.
          ...extensionBulkRoutes(() => resources.extensionBulk),
          ...extensionRoutes(resources, { phoneHost: container.cradle.config.provisioning.serverHost ?? null }),
          ...trunkRoutes(resources),
          ...routingRoutes(resources),
          ...groupAndScheduleRoutes(resources),
          ...holidayRoutes(resources.publicHolidays),
          ...settingsRoutes(resources),
        ],
      },
    ];
  },
};
