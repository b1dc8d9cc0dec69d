import { snapshotOf } from '../audit/snapshots';
import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../container';
import type { CoreModule } from '../core-module';
import { AUTHENTICATED } from '../auth/permissions';
import { defineRoute } from '../http/routes';
import { z } from 'zod';
import { DashboardService } from './dashboard-service';
import { EventLoopLagMonitor } from './event-loop-lag';
import { FirstRunChecklistService } from './first-run-checklist';
import { CarillonMetrics } from './metrics/carillon-metrics';
import { MetricsAccess } from './metrics/metrics-access';
import { metricsRoutes } from './metrics/metrics-routes';
import { CALLS_LIVE_CHANGED, TELEPHONY_RESOURCE_CHANGED, UiLiveEvents } from './ui-live-events';
import { SystemSettingsService, systemSettingsInput } from './system-settings-service';

declare module '../container' {
  interface CoreCradle {
    systemSettingsService: SystemSettingsService;
    dashboardService: DashboardService;
    firstRunChecklist: FirstRunChecklistService;
    carillonMetrics: CarillonMetrics;
    metricsAccess: MetricsAccess;
    uiLiveEvents: UiLiveEvents;
    eventLoopLag: EventLoopLagMonitor;
  }
}

/** System settings (time zone, number display, mail, recordings retention), the dashboard, live events for admin pages. */
export const systemModule: CoreModule = {
  name: 'system',
  permissions: [
    { key: 'system.settings.read', description: { en: 'See system settings (time zone, number display, mail server, recordings retention)', fr: 'Voir les paramètres système (fuseau horaire, affichage des numéros, serveur de messagerie, conservation des enregistrements)' }, defaultRoles: ['manager', 'technician'] },
    { key: 'system.settings.manage', description: { en: 'Change system settings', fr: 'Modifier les paramètres système' }, defaultRoles: [] },
    { key: 'calls.hangup', description: { en: 'Hang up any live call from the dashboard', fr: 'Raccrocher n’importe quel appel en cours depuis le tableau de bord' }, defaultRoles: [] },
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
            systemSettings: c.systemSettingsService,
            config: c.config,
            tftpPort: () => c.provisioningTftp.port,
            checklist: c.firstRunChecklist,
            logger: c.logger.child({ component: 'dashboard' }),
          }),
      ).singleton(),
      firstRunChecklist: asFunction((c: CoreCradle) => new FirstRunChecklistService({ systemSettings: c.systemSettingsService, settings: c.settingsService, telephonyStatus: c.telephonyStatus })).singleton(),
      carillonMetrics: asFunction(
        (c: CoreCradle) =>
          new CarillonMetrics({
            telephony: c.telephony,
            telephonyStatus: c.telephonyStatus,
            dashboardService: c.dashboardService,
            extensionLookup: c.extensionLookup,
            jobScheduler: c.jobScheduler,
            pluginHost: c.pluginHost,
            logger: c.logger.child({ component: 'metrics' }),
          }),
      ).singleton(),
      metricsAccess: asFunction((c: CoreCradle) => new MetricsAccess(c.settingsService)).singleton(),
      uiLiveEvents: asFunction((c: CoreCradle) => new UiLiveEvents(c.events, c.telephony)).singleton(),
      eventLoopLag: asFunction(() => new EventLoopLagMonitor()).singleton(),
    });
  },
  routes(container) {
    const c = container.cradle;
    return [
      ...metricsRoutes({ metrics: c.carillonMetrics, access: c.metricsAccess }),
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
            audit: { target: () => 'system:settings', snapshot: snapshotOf(() => c.systemSettingsService.get()) },
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
          defineRoute({
            id: 'system.checklist.dismiss',
            method: 'PUT',
            path: '/checklist/dismissed',
            summary: 'Hide the first-run checklist before it is complete (`true`), or show it again (`false`)',
            permission: 'system.settings.manage',
            input: { body: z.strictObject({ dismissed: z.boolean() }) },
            audit: { target: () => 'system:checklist' },
            handler: ({ body }) => c.firstRunChecklist.setDismissed(body.dismissed),
          }),
          defineRoute({
            id: 'system.liveCalls.hangup',
            method: 'POST',
            path: '/live-calls/:id/hangup',
            summary: 'Hang up a live call (id from the dashboard: a bridge or a channel): every channel of it',
            description: 'Goes through the telephony command API. 404 `not_found` when the call has ended, 503 `telephony_unavailable` while Asterisk is unreachable.',
            permission: 'calls.hangup',
            input: { params: z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/) }) },
            audit: { target: ({ params }) => `call:${(params as { id: string }).id}` },
            handler: ({ params }) => c.dashboardService.hangUp(params.id),
          }),
        ],
      },
    ];
  },
  async start(container) {
    // The country national numbers typed where E.164 is expected are read with.
    await container.cradle.systemSettingsService.defaultRegion();
    container.cradle.uiLiveEvents.start();
    container.cradle.carillonMetrics.start();
    container.cradle.eventLoopLag.start();
  },
  stop(container) {
    container.cradle.uiLiveEvents.stop();
    container.cradle.carillonMetrics.stop();
    container.cradle.eventLoopLag.stop();
  },
};
