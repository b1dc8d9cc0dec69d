import { http } from './api';
import { localized } from './i18n';
import { useLoad } from './components';

/** What each permission and audit action means, per locale (null: its plugin gave none). */
export interface Descriptions {
  permissions: Record<string, { en: string; fr: string } | null>;
  auditActions: Record<string, { en: string; fr: string } | null>;
}

const EMPTY: Descriptions = { permissions: {}, auditActions: {} };

/**
 * The descriptions, loaded with the page (a plugin enabled since the last visit brings its own).
 * Until they arrive, or if they cannot be read, pages show the raw keys: never an empty label.
 */
export function useDescriptions(): Descriptions {
  const load = useLoad((signal) => http.get<Descriptions>('/api/ui/descriptions', undefined, signal), []);
  return load.data ?? EMPTY;
}

/** The description of a key in the UI's language, or the key itself when there is none. */
export function describe(map: Descriptions['permissions'], key: string): string {
  return localized(map[key] ?? undefined) || key;
}
