import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import { HttpError } from '../../../core/plugin-api';
import type { DirectoryModels } from '../models';
import { NUMBER_TYPES, type ContactDraft, type StoredNumber } from '../types';
import { contentHash, newContactKey, type ChangedContact, type ContactWriter, type NewContact } from './contact-writer';
import { EMAIL, LIMITS } from './contact-rules';
import type { DirectorySettings } from './directory-settings';
import type { DirectoryState } from './directory-state';
import type { BulkChangeLock } from './exclusive';
import { isSyncDue, type LdapMapping, type LdapSettings, type LdapSettingsStore, type LdapStatus } from './ldap-settings';
import type { PhoneNumbers } from './phone-numbers';

/** Core's secretBox: LDAP passwords must be read back to bind, so they are encrypted, not hashed. */
export interface SecretSealer {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export type LdapSettingsView = Omit<LdapSettings, 'sealedPassword'> & { passwordSet: boolean };
export type LdapSettingsInput = Partial<Omit<LdapSettings, 'sealedPassword' | 'mapping'>> & { password?: string | null; mapping?: Partial<LdapMapping> };

type SyncResult = NonNullable<LdapStatus['lastResult']>;

function first(value: Entry[string] | undefined): string {
  const one = Array.isArray(value) ? value[0] : value;
  if (one === undefined) return '';
  return Buffer.isBuffer(one) ? one.toString('hex') : String(one).trim();
}

function all(value: Entry[string] | undefined): string[] {
  if (value === undefined) return [];
  const list = (Array.isArray(value) ? value : [value]) as Array<string | Buffer>;
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)).trim()).filter(Boolean);
}

function cut(text: string, max: number): string | null {
  return text ? text.slice(0, max) : null;
}

/**
 * One-way sync from an LDAP / Active Directory server: entries become read-only contacts,
 * updated when they change and removed when they leave the directory (or the filter).
 */
export class LdapSyncService {
  constructor(
    private readonly deps: {
      models: DirectoryModels;
      writer: ContactWriter;
      store: LdapSettingsStore;
      settings: DirectorySettings;
      state: DirectoryState;
      lock: BulkChangeLock;
      secrets: SecretSealer;
    },
  ) {}

  async settingsView(): Promise<LdapSettingsView> {
    const { sealedPassword, ...rest } = await this.deps.store.get();
    return { ...rest, passwordSet: !!sealedPassword };
  }

  async updateSettings(input: LdapSettingsInput): Promise<LdapSettingsView> {
    const current = await this.deps.store.get();
    const { password, mapping, ...rest } = input;
    const next: LdapSettings = {
      ...current,
      ...rest,
      mapping: { ...current.mapping, ...mapping },
      // Omitted keeps the stored password; null removes it (anonymous bind).
      sealedPassword: password === undefined ? current.sealedPassword : password === null ? null : this.deps.secrets.encrypt(password),
    };
    if (next.enabled && (!next.url || !next.baseDn)) {
      throw HttpError.validation([{ field: next.url ? 'body.baseDn' : 'body.url', code: 'required', message: 'Required to enable the LDAP sync.' }]);
    }
    await this.deps.store.set(next);
    return this.settingsView();
  }

  async status(): Promise<LdapStatus> {
    return this.deps.store.status();
  }

  /** Binds and reads one entry, to check the settings without changing anything. */
  async test(): Promise<{ ok: true; sampleDn: string | null }> {
    const settings = await this.deps.store.get();
    const entries = await this.read(settings, 1);
    return { ok: true, sampleDn: entries[0]?.dn ?? null };
  }

  /** Called by the scheduled job every minute; syncs when the interval has passed. */
  async syncIfDue(now = new Date()): Promise<void> {
    if (!isSyncDue(await this.deps.store.get(), await this.deps.store.status(), now)) return;
    // A failed run is recorded in the status (GET /ldap) and retried at the next interval.
    await this.sync().catch(() => undefined);
  }

  async sync(): Promise<SyncResult> {
    return this.deps.lock.run('ldap sync', async () => {
      const settings = await this.deps.store.get();
      if (!settings.url || !settings.baseDn) throw HttpError.conflict('ldap_not_configured', 'Set the LDAP URL and base DN first.');
      const startedAt = new Date().toISOString();
      try {
        const entries = await this.read(settings);
        const result = await this.write(entries, settings);
        await this.deps.store.setStatus({ lastSyncAt: startedAt, lastResult: result, lastError: null });
        if (result.created || result.updated || result.deleted) await this.deps.state.markChanged('ldap');
        return result;
      } catch (err) {
        await this.deps.store.setStatus({ ...(await this.deps.store.status()), lastSyncAt: startedAt, lastError: (err as Error).message });
        throw err;
      }
    });
  }

  private async read(settings: LdapSettings, sizeLimit = 0): Promise<Entry[]> {
    if (!settings.url) throw HttpError.conflict('ldap_not_configured', 'Set the LDAP URL first.');
    const client = new Client({
      url: settings.url,
      timeout: 30_000,
      connectTimeout: 5_000,
      // ldapts speaks TLS whenever tlsOptions is given: only for ldaps://.
      tlsOptions: settings.url.startsWith('ldaps:') ? { rejectUnauthorized: settings.verifyCertificate } : undefined,
    });
    try {
      if (settings.bindDn) {
        const password = settings.sealedPassword ? this.deps.secrets.decrypt(settings.sealedPassword) : '';
        try {
          await client.bind(settings.bindDn, password);
        } catch (err) {
          if (!(err instanceof InvalidCredentialsError)) throw err;
          throw new HttpError(502, 'ldap_bind_failed', 'LDAP bind failed', `The server refused the bind DN or password: ${err.message}`);
        }
      }
      const attributes = [...new Set(Object.values(settings.mapping).filter(Boolean))];
      const { searchEntries } = await client.search(settings.baseDn, {
        scope: 'sub',
        filter: settings.filter || '(objectClass=*)',
        attributes,
        sizeLimit,
        paged: sizeLimit ? false : { pageSize: 500 },
        explicitBufferAttributes: ['objectGUID'],
      });
      return searchEntries;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw new HttpError(502, 'ldap_unreachable', 'LDAP search failed', `The LDAP server could not be searched: ${(err as Error).message}`);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private draftOf(entry: Entry, settings: LdapSettings, phones: PhoneNumbers): ContactDraft | null {
    const m = settings.mapping;
    const get = (attribute: string) => (attribute ? first(entry[attribute]) : '');
    const lastName = get(m.lastName);
    const firstName = get(m.firstName);
    if (!lastName || !firstName) return null;
    const numbers: StoredNumber[] = [];
    for (const type of NUMBER_TYPES) {
      for (const text of m[type] ? all(entry[m[type]]) : []) {
        const stored = phones.normalise(type, text);
        // A number the directory cannot read is left out rather than failing the whole sync.
        if (typeof stored !== 'string') numbers.push({ ...stored, isDefault: numbers.length === 0 });
      }
    }
    return {
      folderId: settings.folderId,
      firstName: firstName.slice(0, LIMITS.name),
      lastName: lastName.slice(0, LIMITS.name),
      company: cut(get(m.company), LIMITS.company),
      jobTitle: cut(get(m.jobTitle), LIMITS.jobTitle),
      numbers: numbers.slice(0, LIMITS.numbers),
      emails: (m.emails ? all(entry[m.emails]) : []).filter((e) => EMAIL.test(e)).slice(0, LIMITS.emails),
      address: {
        street: cut(get(m.street), LIMITS.street),
        postalCode: cut(get(m.postalCode), LIMITS.postalCode),
        city: cut(get(m.city), LIMITS.city),
        country: cut(get(m.country), LIMITS.country),
      },
      notes: cut(get(m.notes), LIMITS.notes),
      userId: null,
      extension: null,
    };
  }

  private async write(entries: Entry[], settings: LdapSettings): Promise<SyncResult> {
    const { models, writer } = this.deps;
    const phones = await this.deps.settings.phoneNumbers();
    const folderId = settings.folderId !== null && (await models.Folder.findByPk(settings.folderId)) ? settings.folderId : null;
    const result: SyncResult = { created: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 };
    await models.Contact.sequelize!.transaction(async (transaction) => {
      const existingRows = await models.Contact.findAll({ where: { source: 'ldap' }, attributes: ['id', 'contactKey', 'externalId', 'folderId', 'contentHash'], raw: true, transaction });
      const existing = new Map(existingRows.map((r) => [r.externalId ?? '', r]));
      const seen = new Set<string>();
      const creates: NewContact[] = [];
      const updates: ChangedContact[] = [];
      for (const entry of entries) {
        const externalId = (settings.mapping.id ? first(entry[settings.mapping.id]) : '') || entry.dn;
        const draft = this.draftOf(entry, { ...settings, folderId }, phones);
        if (!draft || seen.has(externalId)) {
          result.skipped++;
          continue;
        }
        seen.add(externalId);
        const known = existing.get(externalId);
        if (!known) creates.push({ key: newContactKey(), source: 'ldap', externalId: externalId.slice(0, 191), draft });
        else if (known.contentHash !== contentHash(draft) || known.folderId !== draft.folderId) {
          updates.push({ id: known.id as number, key: known.contactKey, source: 'ldap', externalId, draft });
        } else result.unchanged++;
      }
      const gone = existingRows.filter((r) => !seen.has(r.externalId ?? '')).map((r) => r.id as number);
      for (let i = 0; i < creates.length; i += 1000) await writer.insertMany(creates.slice(i, i + 1000), transaction);
      for (let i = 0; i < updates.length; i += 1000) await writer.updateMany(updates.slice(i, i + 1000), transaction);
      for (let i = 0; i < gone.length; i += 1000) await writer.deleteMany(gone.slice(i, i + 1000), transaction);
      result.created = creates.length;
      result.updated = updates.length;
      result.deleted = gone.length;
    });
    return result;
  }
}
