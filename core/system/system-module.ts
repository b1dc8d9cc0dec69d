import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../container';
import type { CoreModule } from '../core-module';
import { AUTHENTICATED } from '../auth/permissions';
import { defineRoute } from '../http/routes';
import { DashboardService } from './dashboard-service';
import { EventLoopLagMonitor } from './event-loop-lag';
import { CALLS_LIVE_CHANGED, TELEPHONY_RESOURCE_CHANGED, UiLiveEvents } from './ui-live-events';
import { SystemSettingsService, systemSettingsInput } from './system-settings-service';

declare module '../container' {
  interface CoreCradle {
    systemSettingsService: SystemSettingsService;
    dashboardService: DashboardService;
    uiLiveEvents: UiLiveEvents;
    eventLoopLag: EventLoopLagMonitor;
  }
}

/** System settings (time zone, number display, mail, recordings retention), the dashboard, live events for admin pages. */
export const systemModule: CoreModule = {
  name: 'system',
  permissions: [
    { key: 'system.settings.read', description: 'See system settings (time zone, number display, mail server, recordings retention)', defaultRoles: ['manager', 'technician'] },
    { key: 'system.settings.manage', description: 'Change system settings', defaultRoles: [] },
  ],
  events: [
    { name: CALLS_LIVE_CHANGED, permission: 'calls.read', description: 'A call started, was answered or ended (what changed, never who called)' },
    { name: TELEPHONY_RESOURCE_CHANGED, permission: 'telephony.read', description: 'An extension, trunk, route, ring group or schedule was created, changed or deleted (resource, action, id)' },
  ],
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      systemSettingsService: asFunction((c: CoreCradle) => new SystemSettingsService(c.sequelize, c.settingsService, c.secretBox)).singleton(),
      dashboardService: asFunction(
        (c: CoreCradle) =>
          new DashboardService({
            sequelize: c.sequelize,
            telephonyStatus: c.telephonyStatus,
            telephony: c.telephony,
            pluginHost: c.pluginHost,
            extensionLookup: c.extensionLookup,
            eventLoopLag: c.eventLoopLag,
            logger: c.logger.child({ component: 'dashboard' }),
          }),
      ).singleton(),
      uiLiveEvents: asFunction((c: CoreCradle) => new UiLiveEvents(c.events, c.telephony)).singleton(),
      eventLoopLag: asFunction(() => new EventLoopLagMonitor()).singleton(),
    });
  },
  routes(container) {
    const c = container.cradle;
    return [
      {
        prefix: '/api/system',
        routes: [
          defineRoute({
            id: 'system.settings.get',
            method: 'GET',
            path: '/settings',
            summary: 'System settings: time zone, number display, default region, mail server (never its password), recordings retention',
            permission: 'system.settings.read',
            handler: () => c.systemSettingsService.get(),
          }),
          defineRoute({
            id: 'system.settings.update',
            method: 'PUT',
            path: '/settings',
            summary: 'Change system settings; sections left out are kept, `mail.password` is write-only (absent: kept, null: removed)',
            permission: 'system.settings.manage',
            input: { body: systemSettingsInput },
            audit: { target: () => 'system:settings' },
            handler: ({ body }) => c.systemSettingsService.update(body),
          }),
          defineRoute({
            id: 'system.dashboard',
            method: 'GET',
            path: '/dashboard',
            summary: "Health, live calls, registered phones and today's calls by status; each part only for users allowed to see it",
            permission: AUTHENTICATED,
            handler: ({ identity }) => c.dashboardService.forUser(identity!),
          }),
        ],
      },
    ];
  },
  async start(container) {
    // The country national numbers typed where E.164 is expected are read with.
    await container.cradle.systemSettingsService.defaultRegion();
    container.cradle.uiLiveEvents.start();
    container.cradle.eventLoopLag.start();
  },
  stop(container) {
    container.cradle.uiLiveEvents.stop();
    container.cradle.eventLoopLag.stop();
  },
};
