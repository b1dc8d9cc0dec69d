import { z } from 'zod';
import type { Sequelize } from 'sequelize';
import type { AuditService } from '../audit/audit-service';
import type { AuditActionCatalogue } from '../audit/audit-actions';
import { snapshotByKey } from '../audit/snapshots';
import { ACCOUNT_PERMISSION_DESCRIPTIONS, AUTHENTICATED, PUBLIC, type PermissionCatalogue } from '../auth/permissions';
import type { LocalisedText } from '../i18n/localised-text';
import { buildOpenApi } from '../http/openapi';
import { defineRoute, type RouteDefinition, type RouteTable } from '../http/routes';
import { idText, pagination } from '../http/schemas';
import type { PluginHost } from '../plugins/plugin-host';
import { navigationFor } from '../plugins/plugin-ui';
import type { TelephonyStatus } from '../telephony/engine-status';
import { VERSION } from '../version';
import { probeDatabase } from './database-probe';
import type { EventLoopLagMonitor } from './event-loop-lag';

export interface SystemRouteDeps {
  sequelize: Sequelize;
  pluginHost: PluginHost;
  telephonyStatus: TelephonyStatus;
  auditService: AuditService;
  auditActions: AuditActionCatalogue;
  permissionCatalogue: PermissionCatalogue;
  routeTable: RouteTable;
  eventLoopLag: EventLoopLagMonitor;
}

export function systemRoutes(deps: SystemRouteDeps): RouteDefinition[] {
  const started = Date.now();
  return [
    defineRoute({
      id: 'system.health',
      method: 'GET',
      path: '/health',
      summary: 'Health of the database, the telephony engine and every plugin',
      permission: PUBLIC,
      handler: async ({ koa }) => {
        const database = await probeDatabase(deps.sequelize);
        const telephony = deps.telephonyStatus.snapshot;
        const health = await deps.pluginHost.health();
        const plugins = deps.pluginHost.list().map((p) => {
          const checked = health.get(p.id);
          return { id: p.id, version: p.version, state: p.state, ...(p.error ? { error: p.error } : {}), ...(checked ? { health: checked } : {}) };
        });
        // A plugin whose own check says degraded or down degrades Carillon as a failed one does.
        const ok = database.reachable && telephony.connected && plugins.every((p) => p.state !== 'failed' && (p.health?.status ?? 'ok') === 'ok');
        const report = { status: ok ? 'ok' : 'degraded', version: VERSION, startedAt: new Date(started).toISOString(), uptimeSeconds: Math.round((Date.now() - started) / 1000), database, telephony, plugins, eventLoop: deps.eventLoopLag.snapshot() };
        if (database.reachable) return report;
        // Set here: a returned value is sent with the route's success status, and a monitor must see 503.
        koa.status = 503;
        koa.body = report;
        return undefined;
      },
    }),
    defineRoute({
      id: 'system.openapi',
      method: 'GET',
      path: '/openapi.json',
      summary: 'OpenAPI document of every route, core and plugins',
      permission: PUBLIC,
      handler: () => buildOpenApi(deps.routeTable, { version: VERSION }),
    }),
    defineRoute({
      id: 'plugins.list',
      method: 'GET',
      path: '/system/plugins',
      summary: 'Installed plugins with state, version and error',
      permission: 'plugins.read',
      handler: async () => {
        const health = await deps.pluginHost.health();
        return { items: deps.pluginHost.list().map((p) => ({ ...p, health: health.get(p.id) ?? null })) };
      },
    }),
    ...(['enable', 'disable'] as const).map((action) =>
      defineRoute({
        id: `plugins.${action}`,
        method: 'POST',
        path: `/system/plugins/:id/${action}`,
        summary: `${action === 'enable' ? 'Enable' : 'Disable'} a plugin (persisted; applied at once)`,
        permission: 'plugins.manage',
        input: { params: z.object({ id: z.string().max(64) }) },
        // The plugin's state before and after (enabled, started, failed and why).
        audit: { target: ({ params }) => `plugin:${(params as { id: string }).id}`, snapshot: snapshotByKey((id: string) => deps.pluginHost.get(id)) },
        handler: ({ params }) => deps.pluginHost.setEnabled(params.id, action === 'enable', { live: true }),
      }),
    ),
    defineRoute({
      id: 'audit.list',
      method: 'GET',
      path: '/audit',
      summary: 'The audit log, newest first',
      permission: 'audit.read',
      input: {
        query: z.object({
          userId: idText.optional(),
          action: z.string().max(128).optional(),
          from: z.coerce.date().optional(),
          to: z.coerce.date().optional(),
          ...pagination,
        }),
      },
      handler: ({ query }) => deps.auditService.list(query),
    }),
    defineRoute({
      id: 'ui.descriptions',
      method: 'GET',
      path: '/ui/descriptions',
      summary: 'What each permission and each audit action means, in English and French (null: its plugin gave no translation; show the key)',
      permission: AUTHENTICATED,
      handler: () => {
        const permissions: Record<string, LocalisedText | null> = { ...ACCOUNT_PERMISSION_DESCRIPTIONS };
        for (const p of deps.permissionCatalogue.list()) permissions[p.key] = p.descriptions ?? (p.description ? { en: p.description, fr: p.description } : null);
        const auditActions: Record<string, LocalisedText | null> = {};
        for (const a of deps.auditActions.list()) auditActions[a.key] = a.description;
        return { permissions, auditActions };
      },
    }),
    defineRoute({
      id: 'ui.navigation',
      method: 'GET',
      path: '/ui/navigation',
      summary: 'Admin pages contributed by running plugins that the caller may see, with their module URLs and strings',
      permission: AUTHENTICATED,
      handler: ({ identity }) => navigationFor(deps.pluginHost.uiContributions(), identity!.permissions),
    }),
  ];
}
