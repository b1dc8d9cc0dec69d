import type { CountryCode } from 'libphonenumber-js';
import { getCountries } from 'libphonenumber-js';
import { PhoneNumbers } from './phone-numbers';

/** The part of core's SettingsService the directory uses. */
export interface SettingsStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface GeneralSettings {
  /** Region used to read numbers written without a country code. */
  defaultRegion: CountryCode;
  /** How many automatic backups (exports taken before each import or restore) are kept. */
  backupsKept: number;
}

export const DEFAULT_SETTINGS: GeneralSettings = { defaultRegion: 'FR', backupsKept: 10 };
export const REGIONS = getCountries();

const KEY = 'directory.settings';

/** The directory's own settings, kept in core's settings table under `directory.*` keys. */
export class DirectorySettings {
  private cached: GeneralSettings | null = null;

  constructor(private readonly store: SettingsStore) {}

  async get(): Promise<GeneralSettings> {
    this.cached ??= { ...DEFAULT_SETTINGS, ...((await this.store.get<Partial<GeneralSettings>>(KEY)) ?? {}) };
    return this.cached;
  }

  async update(patch: Partial<GeneralSettings>): Promise<GeneralSettings> {
    const next = { ...(await this.get()), ...patch };
    await this.store.set(KEY, next);
    this.cached = next;
    return next;
  }

  async phoneNumbers(): Promise<PhoneNumbers> {
    return new PhoneNumbers((await this.get()).defaultRegion);
  }
}
