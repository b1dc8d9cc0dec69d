import { z } from 'zod';

/**
 * A whole number from a path or query string, in canonical decimal form only: `12`, never `0x1`,
 * `1e0`, `012`, ` 12` or `12.0` (all of which `Number()` would take), and within the safe range.
 * The one schema for numeric path and query parameters, core's and plugins'.
 */
export function integerText(min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, 'a whole number in decimal digits, like 12')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** A database id in a path or query string. */
export const idText = integerText(1);

/** Shared input pieces of core routes. */
export const pagination = {
  limit: integerText(1, 500).default(50),
  offset: integerText(0).default(0),
};

export const idParam = z.object({ id: idText });

export const email = z.email('a valid e-mail address').max(191);

export const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Paris');

export const locale = z.enum(['fr', 'en']);
export const numberDisplay = z.enum(['international', 'national']);
