import type { PageEntry } from '../registry';

/** Webhooks for integrators: the subscriptions, and one subscription with its delivery log. */
export const pages: PageEntry[] = [
  { id: 'webhooks', path: '/admin/webhooks', titleKey: 'page.webhooks', permission: 'webhooks.manage', section: 'administration', order: 45, load: () => import('./WebhooksPage') },
  { id: 'webhook', path: '/admin/webhooks/:id', titleKey: 'page.webhook', permission: 'webhooks.manage', section: 'administration', nav: false, load: () => import('./WebhookDetailPage') },
];
