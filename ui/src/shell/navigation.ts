import { http } from '../lib/api';
import { addStrings, type Strings } from '../lib/i18n';
import { createStore } from '../lib/store';

/** Pages contributed by plugins, as `GET /api/ui/navigation` lists them for the current user. */

export interface PluginPageEntry {
  id: string;
  plugin: string;
  title: Record<string, string>;
  /** Starts with `/<plugin id>`; the shell serves it under `/plugins`. */
  path: string;
  /** URL of the ES module, e.g. `/ui/plugins/directory/contacts.js`. */
  module: string;
  permission: string | null;
  section: string;
}

/** A dashboard card a plugin contributes (`ctx.ui.dashboardCard`), for the current user. */
export interface PluginCardEntry {
  id: string;
  plugin: string;
  title: Record<string, string>;
  module: string;
  permission: string | null;
}

interface NavigationResponse {
  pages: PluginPageEntry[];
  cards?: PluginCardEntry[];
  strings?: Record<string, { en: Strings; fr: Strings }>;
}

export type NavigationState = { status: 'idle' | 'loading' | 'error' | 'ready'; pages: PluginPageEntry[]; cards?: PluginCardEntry[] };

export const pluginNavigation = createStore<NavigationState>({ status: 'idle', pages: [] });

/** Where the shell shows a plugin page. */
export function pluginRoute(page: Pick<PluginPageEntry, 'path'>): string {
  return `/plugins${page.path}`;
}

/** Plugin strings live under `plugin.<id>.` so two plugins never overwrite each other's keys. */
export function pluginKey(pluginId: string, key: string): string {
  return `plugin.${pluginId}.${key}`;
}

export async function loadNavigation(): Promise<void> {
  pluginNavigation.set({ status: 'loading', pages: pluginNavigation.get().pages, cards: pluginNavigation.get().cards });
  try {
    const body = await http.get<NavigationResponse>('/api/ui/navigation');
    for (const [pluginId, strings] of Object.entries(body.strings ?? {})) {
      const prefix = (dict: Strings) => Object.fromEntries(Object.entries(dict).map(([key, value]) => [pluginKey(pluginId, key), value]));
      addStrings({ en: prefix(strings.en), fr: prefix(strings.fr) });
    }
    pluginNavigation.set({ status: 'ready', pages: body.pages ?? [], cards: body.cards ?? [] });
  } catch {
    // The core pages still work; plugin entries come back on the next load.
    pluginNavigation.set({ status: 'error', pages: [] });
  }
}

export function clearNavigation(): void {
  pluginNavigation.set({ status: 'idle', pages: [] });
}
