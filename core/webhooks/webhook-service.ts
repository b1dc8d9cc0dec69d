import { Op, fn, col } from 'sequelize';
import type { EventBus } from '../events/bus';
import { HttpError } from '../http/problem';
import { randomToken, type SecretBox } from '../security/secret-box';
import type { LocalisedText } from '../plugins/types';
import { checkHost } from './address-guard';
import { WebhookDelivery, WebhookSubscription, type DeliveryStatus } from './webhook-models';
import type { WebhookOutbox } from './webhook-outbox';
import type { WebhookSettingsStore } from './webhook-settings';

export interface WebhookEventType {
  name: string;
  /** `core` or the plugin that declared it. */
  owner: string;
  description: LocalisedText;
  example: Record<string, unknown>;
}

export interface SubscriptionInput {
  name: string;
  url: string;
  events: string[];
}

export interface SubscriptionView {
  id: number;
  name: string;
  url: string;
  events: string[];
  enabled: boolean;
  /** `failing`: Carillon turned it off after days of failures; `admin`: someone did. */
  disabledReason: string | null;
  disabledAt: string | null;
  failingSince: string | null;
  lastSuccessAt: string | null;
  createdAt: string;
  updatedAt: string;
  deliveries: { pending: number; failed: number; delivered: number };
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
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

function deliveryView(row: WebhookDelivery): DeliveryView {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastAttemptAt: iso(row.lastAttemptAt),
    lastStatusCode: row.lastStatusCode,
    lastDurationMs: row.lastDurationMs,
    lastError: row.lastError,
    lastResponse: row.lastResponse,
    deliveredAt: iso(row.deliveredAt),
    createdAt: row.createdAt.toISOString(),
    payload: JSON.parse(row.payload) as unknown,
  };
}

/** A new secret: `whsec_` and 32 random bytes. */
function newSecret(): string {
  return `whsec_${randomToken(32)}`;
}

/** Webhook subscriptions: what an admin manages (the outbox sends). */
export class WebhookService {
  constructor(
    private readonly deps: {
      events: EventBus;
      secretBox: SecretBox;
      settings: WebhookSettingsStore;
      outbox: WebhookOutbox;
      /** Whether a plugin runs: a stopped plugin's events are not offered (it publishes nothing). */
      isRunning: (owner: string) => boolean;
    },
  ) {}

  /** Every event offered to webhooks by core and the running plugins. */
  eventTypes(): WebhookEventType[] {
    return this.deps.events
      .list()
      .filter((e) => e.webhook && (e.owner === 'core' || this.deps.isRunning(e.owner)))
      .map((e) => ({ name: e.name, owner: e.owner, description: e.webhook!.description, example: e.webhook!.example }))
      // Core's first, each owner's in the order it declared them (a call's life: started, answered, ended).
      .sort((a, b) => Number(a.owner !== 'core') - Number(b.owner !== 'core') || (a.owner === b.owner ? 0 : a.owner.localeCompare(b.owner)));
  }

  async list(): Promise<SubscriptionView[]> {
    const rows = await WebhookSubscription.findAll({ order: [['id', 'ASC']] });
    return Promise.all(rows.map((row) => this.view(row)));
  }

  async get(id: number): Promise<SubscriptionView> {
    return this.view(await this.row(id));
  }

  /** Creates it with a new secret, returned here and never again. */
  async create(input: SubscriptionInput): Promise<{ subscription: SubscriptionView; secret: string }> {
    await this.validate(input);
    const secret = newSecret();
    const now = new Date();
    const row = await WebhookSubscription.create({
      name: input.name,
      url: input.url,
      events: [...new Set(input.events)],
      secretSealed: this.deps.secretBox.encrypt(secret),
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      failingSince: null,
      lastSuccessAt: null,
      createdAt: now,
      updatedAt: now,
    });
    this.deps.outbox.invalidate();
    return { subscription: await this.view(row), secret };
  }

  async update(id: number, input: Partial<SubscriptionInput> & { enabled?: boolean }): Promise<SubscriptionView> {
    const row = await this.row(id);
    const next = { name: input.name ?? row.name, url: input.url ?? row.url, events: input.events ?? row.events };
    await this.validate(next, input.url === undefined, row.events);
    row.name = next.name;
    row.url = next.url;
    row.events = [...new Set(next.events)];
    if (input.enabled === true && !row.enabled) {
      row.enabled = true;
      row.disabledReason = null;
      row.disabledAt = null;
      // Days of failures start over; what waited is tried again now.
      row.failingSince = null;
      await WebhookDelivery.update({ nextAttemptAt: new Date() }, { where: { subscriptionId: id, status: 'pending' } });
    } else if (input.enabled === false && row.enabled) {
      row.enabled = false;
      row.disabledReason = 'admin';
      row.disabledAt = new Date();
    }
    await row.save();
    this.deps.outbox.invalidate();
    if (row.enabled) this.deps.outbox.wake();
    return this.view(row);
  }

  async remove(id: number): Promise<void> {
    const row = await this.row(id);
    await WebhookDelivery.destroy({ where: { subscriptionId: id } });
    await row.destroy();
    this.deps.outbox.invalidate();
  }

  /** A new secret, shown once; the old one stops signing at once. */
  async rotateSecret(id: number): Promise<{ secret: string }> {
    const row = await this.row(id);
    const secret = newSecret();
    row.secretSealed = this.deps.secretBox.encrypt(secret);
    await row.save();
    return { secret };
  }

  async sendTest(id: number): Promise<DeliveryView> {
    const row = await this.row(id);
    if (!row.enabled) throw HttpError.conflict('webhook_disabled', 'This webhook is turned off: turn it on to send a test.');
    return deliveryView(await this.deps.outbox.enqueueTest(id));
  }

  async deliveries(id: number, query: { status?: DeliveryStatus; limit: number; offset: number }): Promise<{ total: number; items: DeliveryView[] }> {
    await this.row(id);
    const where = { subscriptionId: id, ...(query.status ? { status: query.status } : {}) };
    const { rows, count } = await WebhookDelivery.findAndCountAll({ where, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit: query.limit, offset: query.offset });
    return { total: count, items: rows.map(deliveryView) };
  }

  async delivery(id: number, deliveryId: string): Promise<DeliveryView> {
    return deliveryView(await this.deliveryRow(id, deliveryId));
  }

  /** Sends it again now, same delivery id (receivers recognise it), the retry schedule starting over. */
  async redeliver(id: number, deliveryId: string): Promise<DeliveryView> {
    const row = await this.deliveryRow(id, deliveryId);
    const [count] = await WebhookDelivery.update(
      { status: 'pending', attempts: 0, nextAttemptAt: new Date() },
      // A row being sent right now keeps its lease: redelivering it would send it twice at once.
      { where: { id: row.id, [Op.or]: [{ leaseUntil: null }, { leaseUntil: { [Op.lt]: new Date() } }] } },
    );
    if (!count) throw HttpError.conflict('webhook_delivery_in_flight', 'This delivery is being sent right now; wait for its result.');
    this.deps.outbox.wake();
    return this.delivery(id, deliveryId);
  }

  /** `kept`: events it already had, accepted while their plugin is stopped (editing the name must not fail for that). */
  private async validate(input: SubscriptionInput, urlUnchanged = false, kept: string[] = []): Promise<void> {
    const known = new Set([...this.eventTypes().map((e) => e.name), ...kept]);
    const unknown = input.events.filter((name) => !known.has(name));
    if (unknown.length) {
      throw HttpError.validation(
        unknown.map((name) => ({ field: 'body.events', code: 'webhook_event_unknown', message: `"${name}" is not an event webhooks can receive` })),
        `Unknown event: ${unknown.join(', ')}.`,
      );
    }
    if (urlUnchanged) return;
    const settings = await this.deps.settings.get();
    const refused = await checkHost(new URL(input.url).hostname, settings.allowPrivateNetworks);
    if (refused) {
      throw HttpError.validation([{ field: 'body.url', code: 'webhook_url_refused', message: refused.message }], refused.message);
    }
  }

  private async row(id: number): Promise<WebhookSubscription> {
    const row = await WebhookSubscription.findByPk(id);
    if (!row) throw HttpError.notFound('webhook');
    return row;
  }

  private async deliveryRow(id: number, deliveryId: string): Promise<WebhookDelivery> {
    const row = await WebhookDelivery.findOne({ where: { id: deliveryId, subscriptionId: id } });
    if (!row) throw HttpError.notFound('webhook delivery');
    return row;
  }

  private async view(row: WebhookSubscription): Promise<SubscriptionView> {
    const counts = (await WebhookDelivery.findAll({
      where: { subscriptionId: row.id },
      attributes: ['status', [fn('COUNT', col('id')), 'count']],
      group: ['status'],
      raw: true,
    })) as unknown as Array<{ status: DeliveryStatus; count: number | string }>;
    const count = (status: DeliveryStatus) => Number(counts.find((c) => c.status === status)?.count ?? 0);
    return {
      id: row.id,
      name: row.name,
      url: row.url,
      events: row.events,
      enabled: row.enabled,
      disabledReason: row.disabledReason,
      disabledAt: iso(row.disabledAt),
      failingSince: iso(row.failingSince),
      lastSuccessAt: iso(row.lastSuccessAt),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      deliveries: { pending: count('pending'), failed: count('failed'), delivered: count('delivered') },
    };
  }
}
