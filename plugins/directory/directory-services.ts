import path from 'node:path';
import type { PluginContext } from '../../core/plugin-api';
import { defineModels, type DirectoryModels } from './models';
import type { PluginConfig } from './schemas';
import { CallerNameLookup } from './services/caller-name-lookup';
import { CarillonUsers, type UserLookup } from './services/carillon-users';
import { ContactExportService } from './services/contact-export-service';
import { ContactImportService, type ImportProgress } from './services/contact-import-service';
import { ContactSearchService } from './services/contact-search-service';
import { ContactService, type UserExistence } from './services/contact-service';
import { ContactWriter } from './services/contact-writer';
import { DirectoryBackupService } from './services/directory-backup-service';
import { DirectoryPhonebook } from './services/directory-phonebook';
import { DirectorySettings, type SettingsStore } from './services/directory-settings';
import { DirectoryState } from './services/directory-state';
import { BulkChangeLock } from './services/exclusive';
import { FolderService } from './services/folder-service';
import { LdapSettingsStore } from './services/ldap-settings';
import { LdapSyncService, type SecretSealer } from './services/ldap-sync-service';

export interface DirectoryServices {
  models: DirectoryModels;
  settings: DirectorySettings;
  state: DirectoryState;
  contacts: ContactService;
  search: ContactSearchService;
  folders: FolderService;
  exporter: ContactExportService;
  backups: DirectoryBackupService;
  imports: ContactImportService;
  ldap: LdapSyncService;
  phonebook: DirectoryPhonebook;
  callerNames: CallerNameLookup;
}

/**
 * The composition root. Models are defined at once (register time); services that need core
 * services are built on first use, after the host has started core.
 */
export function createDirectoryServices(ctx: PluginContext, config: PluginConfig): () => DirectoryServices {
  const models = defineModels(ctx);
  let built: DirectoryServices | null = null;
  const core = <T>(name: string): T => ctx.services.resolve<T>(name);
  return () => {
    if (built) return built;
    const store = core<SettingsStore>('settingsService');
    const users = new CarillonUsers(core<UserLookup>('userService'));
    const writer = new ContactWriter(models);
    const settings = new DirectorySettings(store);
    const state = new DirectoryState(store, (name, payload) => ctx.events.publish(name, payload));
    const lock = new BulkChangeLock();
    const exporter = new ContactExportService(models, users);
    const backups = new DirectoryBackupService(models, exporter, settings, path.join(ctx.dataDir(), 'backups'));
    built = {
      models,
      settings,
      state,
      contacts: new ContactService(models, writer, settings, state, core<UserExistence>('userService')),
      search: new ContactSearchService(models, settings),
      folders: new FolderService(models, writer, state),
      exporter,
      backups,
      imports: new ContactImportService({
        models, writer, settings, state, backups, users, lock,
        progress: (event: ImportProgress) => ctx.events.publish('importProgress', event),
        folder: path.join(ctx.dataDir(), 'imports'),
        options: { maxBytes: config.maxImportBytes, batchSize: config.importBatchSize, maxListedErrors: 500 },
      }),
      ldap: new LdapSyncService({
        models, writer, settings, state, lock,
        store: new LdapSettingsStore(store),
        secrets: core<SecretSealer>('secretBox'),
      }),
      phonebook: new DirectoryPhonebook(models, state),
      callerNames: new CallerNameLookup(models, settings),
    };
    return built;
  };
}
