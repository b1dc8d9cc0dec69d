import { t } from '../../lib/i18n';

/**
 * Vendor configuration values (Grandstream P-values or their aliases) typed one per line as
 * `name = value`; a line without `=` is refused before it reaches the server.
 */
export function parseExtraValues(text: string): { values: Record<string, string>; error: string | null } {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0) return { values, error: t('phones.extraLine', { n: i + 1 }) };
    values[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return { values, error: null };
}

export function formatExtraValues(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n');
}

/** The API's errors on `extraValues.<name>`, as one text for the field. */
export function extraValuesError(errors: Record<string, string>): string | undefined {
  const found = Object.entries(errors).filter(([field]) => field === 'extraValues' || field.startsWith('extraValues.'));
  return found.length ? found.map(([field, message]) => (field === 'extraValues' ? message : `${field.slice('extraValues.'.length)}: ${message}`)).join(' ') : undefined;
}
