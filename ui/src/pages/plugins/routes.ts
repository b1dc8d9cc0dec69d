import type { PageEntry } from '../registry';

/** One generated settings page per plugin that declares settings (reached from the plugins page). */
export const pages: PageEntry[] = [
  { id: 'plugin-settings', path: '/admin/plugins/:id/settings', titleKey: 'pluginSettings.page', permission: 'plugins.read', section: 'administration', nav: false, load: () => import('./PluginSettingsPage') },
];
