import { http } from '../../lib/api';
import { hasString, localized, t, tn } from '../../lib/i18n';

/** What the webhook pages read from `/api/webhooks`. */
export interface EventType {
  name: string;
  owner: string;
  description: { en: string; fr: string };
  example: Record<string, unknown>;
}

export interface Subscription {
  id: number;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: 'failing' | 'admin' | null;
  disabledAt: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  createdAt: string;
  deliveries: { pending: number; failed: number; delivered: number };
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastResponse: string | null;
  deliveredAt: string | null;
  createdAt: string;
  payload: unknown;
}

export interface WebhookSettings {
  allowPrivateNetworks: boolean;
  autoDisableDays: number;
}

export const loadEventTypes = (signal?: AbortSignal) => http.get<{ items: EventType[] }>('/api/webhooks/event-types', undefined, signal).then((r) => r.items);

/** The event list as checkbox options: the name, and what it means in the reader's language. */
export function eventOptions(types: EventType[]) {
  return types.map((type) => ({ value: type.name, label: `${type.name} — ${localized(type.description)}` }));
}

/** "On", "Off", or "Off: failing for days" — the reason Carillon turned it off is said. */
export function stateText(s: Subscription): string {
  if (s.enabled) return s.failingSince ? t('webhooks.state.failing') : t('webhooks.state.on');
  return s.disabledReason === 'failing' ? t('webhooks.state.autoOff') : t('webhooks.state.off');
}

/**
 * The stable code that starts a delivery error (`timeout: …`), said in the reader's language;
 * the server's sentence follows for the details (address, status).
 */
export function deliveryErrorText(error: string | null): string {
  if (!error) return '';
  const code = /^([a-z_]+):/.exec(error)?.[1];
  if (!code || !hasString(`webhooks.error.${code}`)) return error;
  // The status code is shown beside it: the label says enough.
  if (code === 'http_status') return t('webhooks.error.http_status');
  return `${t(`webhooks.error.${code}`)} (${error.slice(code.length + 1).trim()})`;
}

/** "3 delivered, 1 waiting, 0 given up", each count with its plural. */
export function countsText(counts: Subscription['deliveries']): string {
  return [tn('webhooks.count.delivered', counts.delivered), tn('webhooks.count.pending', counts.pending), tn('webhooks.count.failed', counts.failed)].join(', ');
}
