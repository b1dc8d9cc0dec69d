import type { ComponentType } from 'preact';

/**
 * The core pages: where they live, their title (an i18n key), the permission that shows them and
 * their menu section. Each page is its own chunk, loaded when first opened.
 *
 * Page areas add their pages with a `pages/<area>/routes.ts` file exporting
 * `export const pages: PageEntry[]` (and their strings in `pages/<area>/strings.ts`), picked up
 * here without editing this file.
 */

export type Section = 'overview' | 'telephony' | 'calls' | 'phones' | 'administration' | 'account';
export const SECTIONS: readonly Section[] = ['overview', 'telephony', 'calls', 'phones', 'administration', 'account'];

export interface PageEntry {
  /** Stable id, also used in test selectors: `nav-<id>`. */
  id: string;
  /** Route path, preact-iso syntax (`/users/:id`). */
  path: string;
  /** i18n key of the title shown in the menu and as the page heading. */
  titleKey: string;
  /** Needed to see the page; null for any logged-in user. */
  permission: string | null;
  section: Section;
  /** Shown in the menu (detail pages such as `/users/:id` are not). */
  nav?: boolean;
  /** Menu order within the section (lower first); default 100. */
  order?: number;
  load: () => Promise<{ default: ComponentType<any> }>;
}

const core: PageEntry[] = [
  { id: 'dashboard', path: '/', titleKey: 'page.dashboard', permission: null, section: 'overview', order: 0, load: () => import('./dashboard/DashboardPage') },
  { id: 'users', path: '/admin/users', titleKey: 'page.users', permission: 'users.read', section: 'administration', order: 10, load: () => import('./users/UsersPage') },
  { id: 'roles', path: '/admin/roles', titleKey: 'page.roles', permission: 'users.read', section: 'administration', order: 20, load: () => import('./roles/RolesPage') },
  { id: 'audit', path: '/admin/audit', titleKey: 'page.audit', permission: 'audit.read', section: 'administration', order: 30, load: () => import('./audit/AuditPage') },
  { id: 'plugins', path: '/admin/plugins', titleKey: 'page.plugins', permission: 'plugins.read', section: 'administration', order: 40, load: () => import('./plugins/PluginsPage') },
  { id: 'settings', path: '/admin/settings', titleKey: 'page.settings', permission: 'system.settings.read', section: 'administration', order: 50, load: () => import('./settings/SettingsPage') },
  { id: 'preferences', path: '/account/preferences', titleKey: 'page.preferences', permission: null, section: 'account', order: 10, load: () => import('./preferences/PreferencesPage') },
  { id: 'tokens', path: '/account/tokens', titleKey: 'page.tokens', permission: null, section: 'account', order: 20, load: () => import('./tokens/TokensPage') },
];

const areas = import.meta.glob<{ pages: PageEntry[] }>('./*/routes.ts', { eager: true });

export const PAGES: readonly PageEntry[] = [...core, ...Object.values(areas).flatMap((module) => module.pages)];
