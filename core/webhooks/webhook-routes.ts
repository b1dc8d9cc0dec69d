import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../http/routes';
import { idParam, pagination } from '../http/schemas';
import type { WebhookService } from './webhook-service';
import { webhookSettingsInput, type WebhookSettingsStore } from './webhook-settings';

export const WEBHOOKS_MANAGE = 'webhooks.manage';

const url = z
  .string()
  .trim()
  .max(2048)
  .refine((value) => {
    try {
      const parsed = new URL(value);
      return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !!parsed.hostname;
    } catch {
      return false;
    }
  }, 'an http:// or https:// URL, such as https://crm.example.com/hooks/carillon')
  .refine((value) => {
    try {
      const parsed = new URL(value);
      return !parsed.username && !parsed.password;
    } catch {
      return true;
    }
  }, 'a URL without a user name or password in it (the signature authenticates Carillon)');

const name = z.string().trim().min(1, 'a name').max(120);
const events = z.array(z.string().min(1).max(128)).min(1, 'at least one event').max(100);
const target = (call: { params: unknown }) => `webhook:${(call.params as { id: number }).id}`;
const deliveryParams = z.object({ id: idParam.shape.id, deliveryId: z.uuid('a delivery id') });

export function webhookRoutes(deps: { webhookService: WebhookService; webhookSettings: WebhookSettingsStore }): RouteDefinition[] {
  const service = deps.webhookService;
  return [
    defineRoute({
      id: 'webhooks.eventTypes',
      method: 'GET',
      path: '/event-types',
      summary: 'Events a webhook may receive (core and running plugins), each with a description (en, fr) and an example payload',
      permission: WEBHOOKS_MANAGE,
      handler: () => ({ items: service.eventTypes() }),
    }),
    defineRoute({
      id: 'webhooks.settings.get',
      method: 'GET',
      path: '/settings',
      summary: 'Webhook settings: private networks allowed, days of failures before a subscription is turned off',
      permission: WEBHOOKS_MANAGE,
      handler: () => deps.webhookSettings.get(),
    }),
    defineRoute({
      id: 'webhooks.settings.update',
      method: 'PUT',
      path: '/settings',
      summary: 'Changes webhook settings',
      permission: WEBHOOKS_MANAGE,
      input: { body: webhookSettingsInput },
      audit: { target: () => 'webhooks:settings' },
      handler: ({ body }) => deps.webhookSettings.update(body),
    }),
    defineRoute({
      id: 'webhooks.list',
      method: 'GET',
      path: '/',
      summary: 'Webhook subscriptions with their delivery counts (never their secrets)',
      permission: WEBHOOKS_MANAGE,
      handler: async () => ({ items: await service.list() }),
    }),
    defineRoute({
      id: 'webhooks.create',
      method: 'POST',
      path: '/',
      summary: 'Subscribes a URL to events; the answer holds the signing secret, shown this once',
      permission: WEBHOOKS_MANAGE,
      status: 201,
      input: { body: z.strictObject({ name, url, events }) },
      audit: { target: (_call, result) => `webhook:${(result as { subscription: { id: number } }).subscription.id}` },
      handler: ({ body }) => service.create(body),
    }),
    defineRoute({
      id: 'webhooks.get',
      method: 'GET',
      path: '/:id',
      summary: 'One webhook subscription',
      permission: WEBHOOKS_MANAGE,
      input: { params: idParam },
      handler: ({ params }) => service.get(params.id),
    }),
    defineRoute({
      id: 'webhooks.update',
      method: 'PATCH',
      path: '/:id',
      summary: 'Changes a subscription; `enabled` turns it off or back on (then what waited is sent)',
      permission: WEBHOOKS_MANAGE,
      input: { params: idParam, body: z.strictObject({ name: name.optional(), url: url.optional(), events: events.optional(), enabled: z.boolean().optional() }) },
      audit: { target },
      handler: ({ params, body }) => service.update(params.id, body),
    }),
    defineRoute({
      id: 'webhooks.delete',
      method: 'DELETE',
      path: '/:id',
      summary: 'Deletes a subscription and its delivery log',
      permission: WEBHOOKS_MANAGE,
      input: { params: idParam },
      audit: { target },
      handler: async ({ params }) => void (await service.remove(params.id)),
    }),
    defineRoute({
      id: 'webhooks.rotateSecret',
      method: 'POST',
      path: '/:id/rotate-secret',
      summary: 'Replaces the signing secret; the answer holds the new one, shown this once',
      permission: WEBHOOKS_MANAGE,
      input: { params: idParam },
      audit: { target },
      handler: ({ params }) => service.rotateSecret(params.id),
    }),
    defineRoute({
      id: 'webhooks.test',
      method: 'POST',
      path: '/:id/test',
      summary: 'Sends a `webhook.test` event to this subscription now; the answer is its delivery (follow it in the log)',
      permission: WEBHOOKS_MANAGE,
      status: 202,
      input: { params: idParam },
      audit: { target },
      handler: ({ params }) => service.sendTest(params.id),
    }),
    defineRoute({
      id: 'webhooks.deliveries.list',
      method: 'GET',
      path: '/:id/deliveries',
      summary: 'The delivery log of a subscription, newest first',
      permission: WEBHOOKS_MANAGE,
      input: { params: idParam, query: z.object({ status: z.enum(['pending', 'delivered', 'failed']).optional(), ...pagination }) },
      handler: ({ params, query }) => service.deliveries(params.id, query),
    }),
    defineRoute({
      id: 'webhooks.deliveries.get',
      method: 'GET',
      path: '/:id/deliveries/:deliveryId',
      summary: 'One delivery, with its payload and the start of the last answer',
      permission: WEBHOOKS_MANAGE,
      input: { params: deliveryParams },
      handler: ({ params }) => service.delivery(params.id, params.deliveryId),
    }),
    defineRoute({
      id: 'webhooks.deliveries.redeliver',
      method: 'POST',
      path: '/:id/deliveries/:deliveryId/redeliver',
      summary: 'Sends a delivery again now (same delivery id), its retry schedule starting over',
      permission: WEBHOOKS_MANAGE,
      status: 202,
      input: { params: deliveryParams },
      audit: { target: (call) => `webhook-delivery:${(call.params as { deliveryId: string }).deliveryId}` },
      handler: ({ params }) => service.redeliver(params.id, params.deliveryId),
    }),
  ];
}
