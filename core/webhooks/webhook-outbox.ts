import crypto from 'node:crypto';
import os from 'node:os';
import { Op } from 'sequelize';
import type { EventBus, EventMeta } from '../events/bus';
import type { Logger } from '../logging/logger';
import type { SecretBox } from '../security/secret-box';
import { DEFAULT_RETRY_POLICY, retryDelay, type RetryPolicy } from './retry-policy';
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import { WebhookDelivery, WebhookSubscription } from './webhook-models';
import { DEFAULT_SEND_LIMITS, sendWebhook, type SendLimits, type SendResult } from './webhook-sender';
import type { WebhookSettingsStore } from './webhook-settings';

/** The event type of "send test" deliveries (not subscribable: it goes to one subscription on demand). */
export const TEST_EVENT = 'webhook.test';

export interface OutboxOptions {
  policy: RetryPolicy;
  limits: SendLimits;
  /** How often the worker looks for due deliveries when nothing woke it. */
  pollMs: number;
  /** Deliveries in flight at once, per process. */
  concurrency: number;
  /** At shutdown, how long sends in flight may finish before they are dropped (their rows go back to waiting). */
  stopGraceMs: number;
  /** Delivered and given-up rows older than this are purged from the log. */
  retentionDays: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = { policy: DEFAULT_RETRY_POLICY, limits: DEFAULT_SEND_LIMITS, pollMs: 1000, concurrency: 8, stopGraceMs: 3000, retentionDays: 30 };

const DAY_MS = 86_400_000;
const SUBSCRIPTIONS_TTL_MS = 2000;

/** The body every receiver gets: the event's id (the same for each subscription), its type, when, and the payload published. */
export function envelope(eventId: string, type: string, at: Date, data: unknown): string {
  return JSON.stringify({ id: eventId, type, createdAt: at.toISOString(), data });
}

/**
 * The webhook outbox. An event offered to webhooks becomes one `webhook_deliveries` row per
 * subscribed URL as soon as the bus hands it over; a worker then claims due rows with a lease
 * (a conditional UPDATE per row, so two workers, in one process or on two nodes, never send the
 * same row at once), sends them, and writes what happened: delivered, or the next attempt, or
 * failed after the last one. A row whose worker died is claimed again when its lease ends.
 */
export class WebhookOutbox {
  readonly options: OutboxOptions;
  private readonly owner = `${os.hostname().slice(0, 30)}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private stopped = true;
  private off: (() => void) | null = null;
  private readonly pendingWrites = new Set<Promise<unknown>>();
  private stopping = new AbortController();
  private subscriptions: { at: number; list: Promise<Array<{ id: number; events: string[] }>> } | null = null;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      events: EventBus;
      secretBox: SecretBox;
      settings: WebhookSettingsStore;
      logger: Logger;
      /** Says in the audit log that Carillon turned a subscription off (who did it, and why). */
      audit: (entry: { action: string; target: string; details: Record<string, unknown> }) => Promise<void>;
    },
    options: Partial<OutboxOptions> = {},
  ) {
    // A copy: tests and callers may change the policy of one outbox without touching the default.
    this.options = { ...DEFAULT_OUTBOX_OPTIONS, ...options, policy: { ...(options.policy ?? DEFAULT_RETRY_POLICY) } };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = new AbortController();
    this.off = this.deps.events.subscribeAll((payload, meta) => this.onEvent(payload, meta));
    this.schedule(0);
  }

  /**
   * Stops claiming. Sends in flight get `stopGraceMs` to finish and record their result; the rest
   * are dropped and their rows released at once (not counted as an attempt), so the next process
   * sends them without waiting for the lease to end. The receiver may have got a dropped one: the
   * same delivery id lets it recognise the second copy.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.off?.();
    this.off = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const grace = setTimeout(() => this.stopping.abort(), this.options.stopGraceMs);
    try {
      // A claim under way ends first: what it took is released or sent, never left leased.
      await this.ticking;
      while (this.pendingWrites.size || this.inFlight.size) await Promise.allSettled([...this.pendingWrites, ...this.inFlight.values()]);
    } finally {
      clearTimeout(grace);
    }
  }

  /** Drops delivered and given-up rows older than the retention (waiting ones are kept whatever their age). */
  async purge(now: Date = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    return WebhookDelivery.destroy({ where: { status: { [Op.in]: ['delivered', 'failed'] }, createdAt: { [Op.lt]: before } } });
  }

  /** Resolves once the events received so far are rows (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.pendingWrites.size) await Promise.allSettled([...this.pendingWrites]);
  }

  /** Looks for due deliveries now (after an event, a test, a redelivery). */
  wake(): void {
    if (!this.stopped) this.schedule(0);
  }

  private onEvent(payload: unknown, meta: EventMeta): void {
    if (this.stopped || !this.deps.events.definition(meta.name)?.webhook) return;
    const write = this.enqueue(meta.name, payload, meta.at).catch((err: unknown) => this.deps.logger.error({ err, event: meta.name }, 'could not store webhook deliveries'));
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
  }

  /** Forgets the cached subscriptions (this process changed one). */
  invalidate(): void {
    this.subscriptions = null;
  }

  /**
   * Enabled subscriptions, read at most every SUBSCRIPTIONS_TTL_MS: a catch-up of the CDR file
   * publishes thousands of events in a row. A change made by another node is seen within that time
   * (an event queued meanwhile for a subscription turned off there waits, as its others do).
   */
  private async enabledSubscriptions(): Promise<Array<{ id: number; events: string[] }>> {
    const now = Date.now();
    if (!this.subscriptions || now - this.subscriptions.at > SUBSCRIPTIONS_TTL_MS) {
      const read = WebhookSubscription.findAll({ where: { enabled: true }, attributes: ['id', 'events'] }).then((rows) => rows.map((r) => ({ id: r.id, events: r.events })));
      this.subscriptions = { at: now, list: read };
      read.catch(() => this.invalidate());
    }
    return this.subscriptions.list;
  }

  /** One row per enabled subscription to this event, written at once. */
  async enqueue(type: string, data: unknown, at: Date = new Date()): Promise<number> {
    const eventId = crypto.randomUUID();
    const body = envelope(eventId, type, at, data);
    for (let attempt = 1; ; attempt++) {
      const subscriptions = (await this.enabledSubscriptions()).filter((s) => s.events.includes(type));
      if (!subscriptions.length) return 0;
      const now = new Date();
      try {
        await WebhookDelivery.bulkCreate(
          subscriptions.map((s) => ({ id: crypto.randomUUID(), subscriptionId: s.id, eventId, eventType: type, payload: body, status: 'pending' as const, nextAttemptAt: now, createdAt: now })),
        );
      } catch (err) {
        // A subscription deleted since the list was read (its foreign key fails): read it again, once.
        if (attempt > 1) throw err;
        this.invalidate();
        continue;
      }
      this.wake();
      return subscriptions.length;
    }
  }

  /** A "send test" delivery for one subscription. */
  async enqueueTest(subscriptionId: number): Promise<WebhookDelivery> {
    const eventId = crypto.randomUUID();
    const now = new Date();
    const body = envelope(eventId, TEST_EVENT, now, { subscriptionId, message: 'This is a test delivery from Carillon.' });
    const row = await WebhookDelivery.create({ id: crypto.randomUUID(), subscriptionId, eventId, eventType: TEST_EVENT, payload: body, status: 'pending', nextAttemptAt: now, createdAt: now });
    this.wake();
    return row;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    let done!: () => void;
    this.ticking = new Promise<void>((resolve) => (done = resolve));
    try {
      do {
        this.again = false;
        const room = this.options.concurrency - this.inFlight.size;
        if (room <= 0 || this.stopped) continue;
        const claimed = await this.claim(room);
        if (this.stopped) await this.release(claimed.map((row) => row.id));
        else for (const row of claimed) this.launch(row);
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.logger.error({ err }, 'webhook worker could not claim deliveries');
    } finally {
      this.running = false;
      done();
      this.schedule(this.options.pollMs);
    }
  }

  /** Gives rows back without an attempt (Carillon stopping): the next worker takes them at once. */
  private async release(ids: string[]): Promise<void> {
    if (ids.length) await WebhookDelivery.update({ leaseOwner: null, leaseUntil: null }, { where: { id: { [Op.in]: ids }, leaseOwner: this.owner } });
  }

  private leaseMs(): number {
    return this.options.limits.timeoutMs + 30_000;
  }

  /** Due rows of enabled subscriptions, each taken only if no live lease holds it. */
  private async claim(limit: number): Promise<WebhookDelivery[]> {
    const enabled = (await WebhookSubscription.findAll({ where: { enabled: true }, attributes: ['id'] })).map((s) => s.id);
    if (!enabled.length) return [];
    const now = new Date();
    const free = { [Op.or]: [{ leaseUntil: null }, { leaseUntil: { [Op.lt]: now } }] };
    const due = await WebhookDelivery.findAll({
      where: { status: 'pending', subscriptionId: { [Op.in]: enabled }, nextAttemptAt: { [Op.lte]: now }, ...free },
      attributes: ['id'],
      order: [['nextAttemptAt', 'ASC']],
      limit,
    });
    const claimed: string[] = [];
    for (const { id } of due) {
      if (this.inFlight.has(id)) continue;
      const [count] = await WebhookDelivery.update({ leaseOwner: this.owner, leaseUntil: new Date(now.getTime() + this.leaseMs()) }, { where: { id, status: 'pending', ...free } });
      if (count === 1) claimed.push(id);
    }
    return claimed.length ? WebhookDelivery.findAll({ where: { id: { [Op.in]: claimed } } }) : [];
  }

  private launch(row: WebhookDelivery): void {
    const run = this.attempt(row)
      .catch((err: unknown) => this.deps.logger.error({ err, delivery: row.id }, 'webhook delivery failed unexpectedly'))
      .finally(() => {
        this.inFlight.delete(row.id);
        this.wake();
      });
    this.inFlight.set(row.id, run);
  }

  private async attempt(row: WebhookDelivery): Promise<void> {
    const subscription = await WebhookSubscription.findByPk(row.subscriptionId);
    if (!subscription) return;
    const settings = await this.deps.settings.get();
    const attempt = row.attempts + 1;
    const secret = this.deps.secretBox.decrypt(subscription.secretSealed);
    const headers = {
      'Carillon-Event': row.eventType,
      'Carillon-Event-Id': row.eventId,
      'Carillon-Delivery-Id': row.id,
      'Carillon-Delivery-Attempt': String(attempt),
      [SIGNATURE_HEADER]: signatureHeader(secret, row.payload),
    };
    const startedAt = new Date();
    const result = await sendWebhook(subscription.url, row.payload, headers, { allowPrivate: settings.allowPrivateNetworks, limits: this.options.limits, signal: this.stopping.signal });
    if (this.stopping.signal.aborted && !result.ok) return this.release([row.id]);
    await this.record(row, subscription, attempt, startedAt, result, settings.autoDisableDays);
  }

  private async record(row: WebhookDelivery, subscription: WebhookSubscription, attempt: number, at: Date, result: SendResult, autoDisableDays: number): Promise<void> {
    const delay = result.ok ? null : retryDelay(this.options.policy, attempt);
    const status = result.ok ? 'delivered' : delay === null ? 'failed' : 'pending';
    await WebhookDelivery.update(
      {
        status,
        attempts: attempt,
        lastAttemptAt: at,
        lastStatusCode: result.statusCode,
        lastDurationMs: result.durationMs,
        lastError: result.error,
        lastResponse: result.response,
        deliveredAt: result.ok ? new Date() : null,
        nextAttemptAt: delay === null ? null : new Date(Date.now() + delay),
        leaseOwner: null,
        leaseUntil: null,
      },
      { where: { id: row.id, leaseOwner: this.owner } },
    );
    const log = this.deps.logger.child({ webhook: subscription.id, delivery: row.id, event: row.eventType, attempt });
    if (result.ok) {
      log.debug({ status: result.statusCode }, 'webhook delivered');
      if (subscription.failingSince || !subscription.lastSuccessAt || Date.now() - subscription.lastSuccessAt.getTime() > 60_000) {
        await WebhookSubscription.update({ failingSince: null, lastSuccessAt: new Date() }, { where: { id: subscription.id }, silent: true });
      }
      return;
    }
    log.info({ status: result.statusCode, error: result.error, next: delay }, 'webhook delivery failed');
    const failingSince = subscription.failingSince ?? at;
    if (!subscription.failingSince) await WebhookSubscription.update({ failingSince }, { where: { id: subscription.id, failingSince: null }, silent: true });
    if (Date.now() - failingSince.getTime() >= autoDisableDays * DAY_MS) {
      // Days of failures: the receiver is gone. Its deliveries wait (pending) until an admin turns it back on.
      const [count] = await WebhookSubscription.update(
        { enabled: false, disabledReason: 'failing', disabledAt: new Date() },
        { where: { id: subscription.id, enabled: true } },
      );
      if (count) {
        this.invalidate();
        log.warn({ failingSince, days: autoDisableDays }, 'webhook subscription turned off after days of failures');
        await this.deps.audit({
          action: 'webhooks.autoDisable',
          target: `webhook:${subscription.id}`,
          details: { reason: 'failing', failingSince: failingSince.toISOString(), days: autoDisableDays, lastError: result.error },
        });
      }
    }
  }
}
