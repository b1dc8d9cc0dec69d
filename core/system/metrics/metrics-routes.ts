import { z } from 'zod';
import { PUBLIC } from '../../auth/permissions';
import { defineRoute, type RouteDefinition } from '../../http/routes';
import { cidr } from '../../telephony/resources/schemas';
import type { CarillonMetrics } from './carillon-metrics';
import type { MetricsAccess } from './metrics-access';

/** `GET /metrics` for Prometheus, and the admin routes that say who may scrape it. */
export function metricsRoutes(deps: { metrics: CarillonMetrics; access: MetricsAccess }): Array<{ prefix: string; routes: RouteDefinition[] }> {
  return [
    {
      prefix: '',
      routes: [
        defineRoute({
          id: 'system.metrics',
          method: 'GET',
          path: '/metrics',
          summary: 'Prometheus metrics (text exposition format): calls, registrations, ARI, HTTP latency by route, jobs, plugins',
          description: 'Served to clients sending `Authorization: Bearer <metrics token>` or from an allowed network (loopback by default); otherwise 401 or 403 with no data.',
          // No session or API token: Prometheus sends the metrics token, checked by MetricsAccess.
          permission: PUBLIC,
          handler: async ({ koa }) => {
            await deps.access.check(koa);
            const { contentType, text } = await deps.metrics.exposition();
            koa.type = contentType;
            koa.set('Cache-Control', 'no-store');
            return text;
          },
        }),
      ],
    },
    {
      prefix: '/api/system',
      routes: [
        defineRoute({
          id: 'system.metricsAccess.get',
          method: 'GET',
          path: '/metrics-access',
          summary: 'Who may scrape /metrics: whether a token is set (never the token) and the allowed networks',
          permission: 'system.settings.read',
          handler: () => deps.access.view(),
        }),
        defineRoute({
          id: 'system.metricsAccess.networks',
          method: 'PUT',
          path: '/metrics-access',
          summary: 'Set the networks (CIDR) that may scrape /metrics without a token; [] allows none',
          permission: 'system.settings.manage',
          input: { body: z.strictObject({ allowedNetworks: z.array(cidr).max(50) }) },
          audit: { target: () => 'system:metrics-access' },
          handler: ({ body }) => deps.access.setNetworks(body.allowedNetworks),
        }),
        defineRoute({
          id: 'system.metricsAccess.newToken',
          method: 'POST',
          path: '/metrics-access/token',
          summary: 'Make a new metrics bearer token, shown in this answer only (the previous one stops working)',
          permission: 'system.settings.manage',
          status: 201,
          audit: { target: () => 'system:metrics-access' },
          handler: () => deps.access.newToken(),
        }),
        defineRoute({
          id: 'system.metricsAccess.removeToken',
          method: 'DELETE',
          path: '/metrics-access/token',
          summary: 'Remove the metrics token: only allowed networks may scrape',
          permission: 'system.settings.manage',
          audit: { target: () => 'system:metrics-access' },
          handler: () => deps.access.removeToken(),
        }),
      ],
    },
  ];
}
