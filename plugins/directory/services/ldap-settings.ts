import type { SettingsStore } from './directory-settings';

/** Which LDAP attribute feeds which contact field ('' leaves the field empty). */
export interface LdapMapping {
  /** A stable identifier of the entry, kept across renames: entryUUID (OpenLDAP) or objectGUID (AD). */
  id: string;
  firstName: string;
  lastName: string;
  company: string;
  jobTitle: string;
  work: string;
  mobile: string;
  home: string;
  fax: string;
  other: string;
  emails: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  notes: string;
}

export const DEFAULT_MAPPING: LdapMapping = {
  id: 'entryUUID', firstName: 'givenName', lastName: 'sn', company: 'o', jobTitle: 'title',
  work: 'telephoneNumber', mobile: 'mobile', home: 'homePhone', fax: 'facsimileTelephoneNumber', other: '',
  emails: 'mail', street: 'street', postalCode: 'postalCode', city: 'l', country: '', notes: 'description',
};

export interface LdapSettings {
  enabled: boolean;
  url: string;
  bindDn: string;
  /** Sealed with core's secretBox; never returned by the API. */
  sealedPassword: string | null;
  baseDn: string;
  filter: string;
  mapping: LdapMapping;
  /** Folder LDAP contacts are put in (null: the root). */
  folderId: number | null;
  /** Minutes between automatic syncs; null syncs only on demand. */
  intervalMinutes: number | null;
  /** Check the server's certificate on ldaps:// (turn off only for a self-signed lab server). */
  verifyCertificate: boolean;
}

export interface LdapStatus {
  lastSyncAt: string | null;
  lastResult: { created: number; updated: number; unchanged: number; deleted: number; skipped: number } | null;
  lastError: string | null;
}

export const DEFAULT_LDAP: LdapSettings = {
  enabled: false, url: '', bindDn: '', sealedPassword: null, baseDn: '', filter: '(objectClass=inetOrgPerson)',
  mapping: DEFAULT_MAPPING, folderId: null, intervalMinutes: null, verifyCertificate: true,
};

const SETTINGS_KEY = 'directory.ldap';
const STATUS_KEY = 'directory.ldapStatus';

export class LdapSettingsStore {
  constructor(private readonly store: SettingsStore) {}

  async get(): Promise<LdapSettings> {
    const saved = (await this.store.get<Partial<LdapSettings>>(SETTINGS_KEY)) ?? {};
    return { ...DEFAULT_LDAP, ...saved, mapping: { ...DEFAULT_MAPPING, ...saved.mapping } };
  }

  async set(settings: LdapSettings): Promise<void> {
    await this.store.set(SETTINGS_KEY, settings);
  }

  async status(): Promise<LdapStatus> {
    return (await this.store.get<LdapStatus>(STATUS_KEY)) ?? { lastSyncAt: null, lastResult: null, lastError: null };
  }

  async setStatus(status: LdapStatus): Promise<void> {
    await this.store.set(STATUS_KEY, status);
  }
}

/** Whether the scheduled job should sync now. */
export function isSyncDue(settings: LdapSettings, status: LdapStatus, now: Date): boolean {
  if (!settings.enabled || !settings.intervalMinutes) return false;
  if (!status.lastSyncAt) return true;
  return now.getTime() - new Date(status.lastSyncAt).getTime() >= settings.intervalMinutes * 60_000;
}
