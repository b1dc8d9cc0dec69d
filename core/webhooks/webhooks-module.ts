import { asFunction, type AwilixContainer } from 'awilix';
import type { CoreCradle } from '../container';
import type { CoreModule } from '../core-module';
import { CALL_EVENTS, CallEventPublisher, CallLogPublisher } from './call-events';
import { initWebhookModels } from './webhook-models';
import { WebhookOutbox } from './webhook-outbox';
import { WEBHOOKS_MANAGE, webhookRoutes } from './webhook-routes';
import { WebhookService } from './webhook-service';
import { WebhookSettingsStore } from './webhook-settings';

declare module '../container' {
  interface CoreCradle {
    callEventPublisher: CallEventPublisher;
    callLogPublisher: CallLogPublisher;
    webhookSettings: WebhookSettingsStore;
    webhookOutbox: WebhookOutbox;
    webhookService: WebhookService;
  }
}

/** Webhooks for integrators (CRMs): subscriptions, the signed outbox and its worker, and the call events they carry. */
export const webhooksModule: CoreModule = {
  name: 'webhooks',
  permissions: [{ key: WEBHOOKS_MANAGE, description: { en: 'Subscribe URLs to events (webhooks), see their deliveries and secrets once', fr: 'Abonner des URL aux événements (webhooks), voir leurs envois et leurs secrets une fois' }, defaultRoles: [] }],
  events: CALL_EVENTS,
  initModels: initWebhookModels,
  register(container: AwilixContainer<CoreCradle>) {
    container.register({
      callEventPublisher: asFunction((c: CoreCradle) => new CallEventPublisher(c.telephony, c.events)).singleton(),
      callLogPublisher: asFunction((c: CoreCradle) => new CallLogPublisher(c.callLogService, c.events)).singleton(),
      webhookSettings: asFunction((c: CoreCradle) => new WebhookSettingsStore(c.settingsService)).singleton(),
      webhookOutbox: asFunction(
        (c: CoreCradle) =>
          new WebhookOutbox({
            events: c.events,
            secretBox: c.secretBox,
            settings: c.webhookSettings,
            logger: c.logger.child({ component: 'webhooks' }),
            audit: (entry) => c.auditService.record({ actor: 'system', ...entry }),
          }),
      ).singleton(),
      webhookService: asFunction(
        (c: CoreCradle) =>
          new WebhookService({
            events: c.events,
            secretBox: c.secretBox,
            settings: c.webhookSettings,
            outbox: c.webhookOutbox,
            isRunning: (owner) => c.pluginHost.list().some((p) => p.id === owner && p.state === 'started'),
          }),
      ).singleton(),
    });
  },
  routes(container) {
    return [{ prefix: '/api/webhooks', routes: webhookRoutes(container.cradle) }];
  },
  start(container) {
    const c = container.cradle;
    c.webhookOutbox.start();
    c.callEventPublisher.start();
    c.callLogPublisher.start();
    c.jobScheduler.schedule('core', { name: 'webhooks-purge-deliveries', schedule: '25 4 * * *', run: async () => void (await c.webhookOutbox.purge()) });
  },
  async stop(container) {
    const c = container.cradle;
    c.callEventPublisher.stop();
    c.callLogPublisher.stop();
    await c.webhookOutbox.stop();
  },
};
