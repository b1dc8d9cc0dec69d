import { z } from 'zod';

/** Shared input pieces of core routes. */
export const pagination = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

export const idParam = z.object({ id: z.coerce.number().int().positive() });

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
