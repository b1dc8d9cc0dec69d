import { http, type Paged } from '../../lib/api';
import { useLoad } from '../../lib/components';

/** Shared pieces of the telephony pages: the API base, option lists, form value helpers. */

export const TELEPHONY_API = '/api/telephony';

export interface Named {
  id: number;
  name: string;
  number?: string;
}

/** Up to 500 items of a resource, for pickers (a PBX rarely has more extensions in one list). */
export function useOptions<T extends Named>(resource: string) {
  return useLoad((signal) => http.get<Paged<T>>(`${TELEPHONY_API}/${resource}`, { limit: 500 }, signal).then((page) => page.items), [resource]);
}

/** How an extension, ring group or schedule is named in lists and pickers: "201 · Reception". */
export function labelOf(item: Named): string {
  return item.number ? `${item.number} · ${item.name}` : item.name;
}

/** "201 · Reception" for an extension number, the number alone (formatted) for anything else. */
export function numberWithName(number: string, extensions: Named[] | undefined | null): string {
  const extension = extensions?.find((e) => e.number === number);
  return extension ? labelOf(extension) : number;
}

/** `{ 'a.b': 1, c: 2 }` → `{ a: { b: 1 }, c: 2 }`: forms keep the API's dotted field names flat. */
export function nest(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const parts = key.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[parts[parts.length - 1]] = value;
  }
  return out;
}

/** An optional text field: empty means "none" (null) for the API. */
export function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed ? trimmed : null;
}

/** A whole number typed in a text field; the text itself when it is not one, so the API names the field. */
export function whole(value: string): number | string {
  const trimmed = value.trim();
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** One value per line (dial patterns, networks), blank lines ignored. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export const CODECS = ['alaw', 'ulaw', 'g722', 'opus', 'g729'] as const;
export type Codec = (typeof CODECS)[number];
export const RECORDING_POLICIES = ['never', 'always', 'on_demand'] as const;
export type RecordingPolicy = (typeof RECORDING_POLICIES)[number];
