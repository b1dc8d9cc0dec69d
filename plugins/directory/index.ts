import { asFunction, definePlugin, type PluginContext } from '../../core/plugin-api';
import { createDirectoryServices, type DirectoryServices } from './directory-services';
import { CALLER_NAME_RESOLVERS, PHONEBOOK_SOURCES, type CallerNameResolver, type PhonebookSource } from './phonebook-source';
import { registerRoutes } from './routes';
import { pluginConfig } from './schemas';
import { UI_STRINGS } from './ui-strings';

const EVERY_ROLE = ['admin', 'manager', 'supervisor', 'agent', 'accountant', 'technician'];
/** The services of each plugin context (one per load), for start() to reach what register() built. */
const servicesOf = new WeakMap<PluginContext, () => DirectoryServices>();
/** Names other plugins may resolve through ctx.dependency('directory'). */
const PUBLIC_SERVICES = ['contacts', 'search', 'folders', 'phonebook', 'callerNames'] as const;

export default definePlugin({
  id: 'directory',
  version: '1.0.0',
  apiVersion: '^1',
  displayName: { en: 'Company directory', fr: 'Annuaire de l’entreprise' },
  description: 'Contacts in folders, CSV import/export sync, LDAP / Active Directory sync, phonebook for phones, caller names',
  optionalDeps: ['provisioning'],
  permissions: [
    { key: 'directory.read', description: { en: 'Look up the company directory', fr: 'Consulter l’annuaire de l’entreprise' }, defaultRoles: EVERY_ROLE },
    { key: 'directory.manage', description: { en: 'Manage the directory: folders, contacts, CSV import and export, backups', fr: 'Gérer l’annuaire : dossiers, contacts, import et export CSV, sauvegardes' } },
    { key: 'directory.configure', description: { en: 'Configure the directory: number region, LDAP / Active Directory sync', fr: 'Configurer l’annuaire : région des numéros, synchronisation LDAP / Active Directory' } },
  ],

  register(ctx) {
    const config = pluginConfig.parse(ctx.config);
    const services = createDirectoryServices(ctx, config);
    servicesOf.set(ctx, services);
    for (const name of PUBLIC_SERVICES) ctx.services.register(name, asFunction(() => services()[name]).singleton());
    ctx.events.define('changed', { permission: 'directory.read', description: 'The directory changed (edit, import, restore, LDAP sync)' });
    ctx.events.define('importProgress', { permission: 'directory.manage', description: 'Rows read while planning or applying a CSV import' });
    registerRoutes(ctx, services);
    ctx.ui.page({ id: 'contacts', title: { en: 'Directory', fr: 'Annuaire' }, path: '/directory', module: 'ui/contacts.js', permission: 'directory.read' });
    ctx.ui.strings(UI_STRINGS);
    ctx.jobs.add({ name: 'ldap-sync', schedule: { everyMs: config.ldapCheckMs }, run: () => services().ldap.syncIfDue() });

    const phonebook: PhonebookSource = {
      id: 'directory',
      changedAt: () => services().phonebook.changedAt(),
      groups: () => services().phonebook.groups(),
      entries: () => services().phonebook.entries(),
    };
    ctx.collections.contribute(PHONEBOOK_SOURCES, phonebook);
    const callerNames: CallerNameResolver = { id: 'directory', resolve: (number) => services().callerNames.resolve(number) };
    ctx.collections.contribute(CALLER_NAME_RESOLVERS, callerNames);
  },

  async start(ctx) {
    await servicesOf.get(ctx)!().state.load();
  },
});
