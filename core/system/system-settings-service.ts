import { getCountries, type CountryCode } from 'libphonenumber-js';
import type { Sequelize } from 'sequelize';
import { z } from 'zod';
import type { NumberDisplay } from '../auth/models';
import { RETENTION_KEY } from '../calls/recordings/recording-service';
import { setPhoneRegion } from '../http/phone-number';
import { numberDisplay, timeZone } from '../http/schemas';
import type { SecretBox } from '../security/secret-box';
import { SettingRecord } from '../settings/model';
import type { SettingsService } from '../settings/settings-service';

export const SYSTEM_SETTINGS_KEY = 'system.settings';

/** The outgoing mail server (voicemail to e-mail, reports). */
export interface MailSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  username: string;
  from: string;
}

/** What `GET /api/system/settings` shows: the mail password never leaves the server. */
export interface SystemSettingsView {
  /** Shown in the title bar and on the first-run checklist; empty until the admin names the company. */
  companyName: string;
  /** True once an admin has saved the time zone or the country (the defaults are a guess until then). */
  regionConfirmed: boolean;
  timeZone: string;
  numberDisplay: NumberDisplay;
  defaultRegion: CountryCode;
  mail: MailSettings & { passwordSet: boolean };
  recordings: { retentionDays: number };
}

/** As stored under `system.settings`: the mail password sealed with the appliance key. */
interface StoredSettings {
  companyName: string;
  regionConfirmed: boolean;
  timeZone: string;
  numberDisplay: NumberDisplay;
  defaultRegion: CountryCode;
  mail: MailSettings & { passwordSealed: string | null };
}

export const DEFAULT_SYSTEM_SETTINGS: StoredSettings = {
  companyName: '',
  regionConfirmed: false,
  timeZone: 'Europe/Paris',
  numberDisplay: 'national',
  defaultRegion: 'FR',
  mail: { host: '', port: 587, secure: false, username: '', from: '', passwordSealed: null },
};

const COUNTRIES = new Set<string>(getCountries());
const hostName = z
  .string()
  .trim()
  .max(253)
  .regex(/^$|^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$|^\[?[0-9A-Fa-f:.]+\]?$/, 'a host name or IP address such as smtp.example.com');

/**
 * `PUT /api/system/settings`: every section optional (a page saves the sections it shows); within a
 * section every field is required except `mail.password`: absent keeps it, `null` removes it.
 */
export const systemSettingsInput = z.strictObject({
  companyName: z.string().trim().max(120).optional(),
  timeZone: timeZone.optional(),
  numberDisplay: numberDisplay.optional(),
  defaultRegion: z
    .string()
    .trim()
    .toUpperCase()
    .refine((code) => COUNTRIES.has(code), 'a country code such as FR or BE')
    .transform((code) => code as CountryCode)
    .optional(),
  mail: z
    .strictObject({
      host: hostName,
      port: z.number().int().min(1).max(65535),
      secure: z.boolean(),
      username: z.string().trim().max(191),
      from: z.union([z.literal(''), z.email('an e-mail address such as pbx@example.com').max(191)]),
      password: z.string().min(1).max(512).nullable().optional(),
    })
    .refine((mail) => !mail.host || mail.from, { message: 'the sender address is needed to send mail', path: ['from'] })
    .optional(),
  recordings: z.strictObject({ retentionDays: z.number().int().min(0).max(3650) }).optional(),
});
export type SystemSettingsInput = z.output<typeof systemSettingsInput>;

/**
 * System-wide settings: default time zone and number display, the region numbers without a
 * country code belong to, the mail server, and how long call recordings are kept (the key the
 * recordings purge reads). One transaction writes them all, or nothing.
 */
export class SystemSettingsService {
  constructor(
    private readonly sequelize: Sequelize,
    private readonly settings: SettingsService,
    private readonly secretBox: SecretBox,
  ) {}

  private async stored(): Promise<StoredSettings> {
    const saved = (await this.settings.get<Partial<StoredSettings>>(SYSTEM_SETTINGS_KEY)) ?? {};
    const stored = { ...DEFAULT_SYSTEM_SETTINGS, ...saved, mail: { ...DEFAULT_SYSTEM_SETTINGS.mail, ...saved.mail } };
    // Every read refreshes the country the API's E.164 fields read national numbers with.
    setPhoneRegion(stored.defaultRegion);
    return stored;
  }

  async get(): Promise<SystemSettingsView> {
    const { mail, ...rest } = await this.stored();
    const { passwordSealed, ...shown } = mail;
    const retentionDays = (await this.settings.get<number>(RETENTION_KEY)) ?? 0;
    return { ...rest, mail: { ...shown, passwordSet: passwordSealed !== null }, recordings: { retentionDays } };
  }

  /** What users created without their own preferences get: the system's time zone and number display. */
  async newUserDefaults(): Promise<{ timeZone: string; numberDisplay: NumberDisplay }> {
    const { timeZone, numberDisplay } = await this.stored();
    return { timeZone, numberDisplay };
  }

  /** The region national numbers belong to: every logged-in user's UI formats numbers with it. */
  async defaultRegion(): Promise<CountryCode> {
    return (await this.stored()).defaultRegion;
  }

  /** The mail server with its password in clear, for the code that sends mail; null when none is set up. */
  async mailServer(): Promise<(MailSettings & { password: string | null }) | null> {
    const { mail } = await this.stored();
    if (!mail.host) return null;
    const { passwordSealed, ...rest } = mail;
    return { ...rest, password: passwordSealed ? this.secretBox.decrypt(passwordSealed) : null };
  }

  async update(input: SystemSettingsInput): Promise<SystemSettingsView> {
    const current = await this.stored();
    const next: StoredSettings = {
      companyName: input.companyName ?? current.companyName,
      regionConfirmed: current.regionConfirmed || input.timeZone !== undefined || input.defaultRegion !== undefined,
      timeZone: input.timeZone ?? current.timeZone,
      numberDisplay: input.numberDisplay ?? current.numberDisplay,
      defaultRegion: input.defaultRegion ?? current.defaultRegion,
      mail: current.mail,
    };
    if (input.mail) {
      const { password, ...mail } = input.mail;
      const passwordSealed = password === undefined ? current.mail.passwordSealed : password === null ? null : this.secretBox.encrypt(password);
      next.mail = { ...mail, passwordSealed };
    }
    const updatedAt = new Date();
    await this.sequelize.transaction(async (transaction) => {
      await SettingRecord.upsert({ key: SYSTEM_SETTINGS_KEY, value: JSON.stringify(next), updatedAt }, { transaction });
      if (input.recordings) await SettingRecord.upsert({ key: RETENTION_KEY, value: JSON.stringify(input.recordings.retentionDays), updatedAt }, { transaction });
    });
    setPhoneRegion(next.defaultRegion);
    return this.get();
  }
}
