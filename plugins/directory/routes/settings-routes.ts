import { defineRoute, snapshotOf, type RouteDefinition, type RouteInput } from '../../../core/plugin-api';
import type { DirectoryServices } from '../directory-services';
import { ldapPatch, noBody, nothing, settingsPatch } from '../schemas';
import type { GeneralSettings } from '../services/directory-settings';

export function settingsRoutes(services: () => DirectoryServices): Array<RouteDefinition<RouteInput>> {
  return [
    defineRoute({
      id: 'settings.get', method: 'GET', path: '/settings', permission: 'directory.configure',
      summary: 'Directory settings: default region for numbers, backups kept',
      input: { query: nothing },
      handler: () => services().settings.get(),
    }),
    defineRoute({
      id: 'settings.update', method: 'PATCH', path: '/settings', permission: 'directory.configure',
      summary: 'Change the directory settings',
      input: { body: settingsPatch },
      audit: { snapshot: snapshotOf(() => services().settings.get()), description: { en: 'Directory settings changed', fr: 'Paramètres de l’annuaire modifiés' } },
      handler: ({ body }) => services().settings.update(body as Partial<GeneralSettings>),
    }),
    defineRoute({
      id: 'ldap.get', method: 'GET', path: '/ldap', permission: 'directory.configure',
      summary: 'LDAP / Active Directory sync settings (never the password) and the last sync',
      input: { query: nothing },
      handler: async () => ({ settings: await services().ldap.settingsView(), status: await services().ldap.status() }),
    }),
    defineRoute({
      id: 'ldap.update', method: 'PATCH', path: '/ldap', permission: 'directory.configure',
      summary: 'Change the LDAP sync settings (password stored encrypted; omit it to keep it)',
      input: { body: ldapPatch },
      // The view never holds the bind password; a new one is listed as changed, never shown.
      audit: { snapshot: snapshotOf(() => services().ldap.settingsView()), description: { en: 'Directory LDAP sync settings changed', fr: 'Paramètres de synchronisation LDAP de l’annuaire modifiés' } },
      handler: ({ body }) => services().ldap.updateSettings(body),
    }),
    defineRoute({
      id: 'ldap.test', method: 'POST', path: '/ldap/test', permission: 'directory.configure',
      summary: 'Bind and read one entry with the saved settings; changes nothing',
      audit: false,
      input: { body: noBody },
      handler: () => services().ldap.test(),
    }),
    defineRoute({
      id: 'ldap.sync', method: 'POST', path: '/ldap/sync', permission: 'directory.configure',
      summary: 'Sync from LDAP now',
      audit: { description: { en: 'Directory synced from LDAP', fr: 'Annuaire synchronisé depuis LDAP' } },
      input: { body: noBody },
      handler: () => services().ldap.sync(),
    }),
  ] as Array<RouteDefinition<RouteInput>>;
}
