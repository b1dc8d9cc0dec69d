import { z } from 'zod';
import type { SettingsService } from '../settings/settings-service';

export const WEBHOOK_SETTINGS_KEY = 'webhooks.settings';

export const webhookSettingsInput = z.strictObject({
  /** Lets subscriptions reach private, loopback and link-local addresses (a CRM in the LAN). */
  allowPrivateNetworks: z.boolean().optional(),
  /** A subscription whose deliveries have failed for this many days is turned off. */
  autoDisableDays: z.number().int().min(1).max(90).optional(),
});

export type WebhookSettings = Required<z.output<typeof webhookSettingsInput>>;

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { allowPrivateNetworks: false, autoDisableDays: 3 };

/** The appliance-wide webhook settings, kept in the settings table. */
export class WebhookSettingsStore {
  constructor(private readonly settings: SettingsService) {}

  async get(): Promise<WebhookSettings> {
    return { ...DEFAULT_WEBHOOK_SETTINGS, ...((await this.settings.get<Partial<WebhookSettings>>(WEBHOOK_SETTINGS_KEY)) ?? {}) };
  }

  async update(input: z.output<typeof webhookSettingsInput>): Promise<WebhookSettings> {
    const next = { ...(await this.get()), ...input };
    await this.settings.set(WEBHOOK_SETTINGS_KEY, next);
    return next;
  }
}
