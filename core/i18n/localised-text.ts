import { z } from 'zod';

/** A text shown to people, in every language of the UI (English and French today). */
export interface LocalisedText {
  en: string;
  fr: string;
  [locale: string]: string;
}

/** Both languages, non-empty: what a manifest or a route declares for the UI. */
export const localisedTextSchema = z.strictObject({
  en: z.string().trim().min(1).max(255),
  fr: z.string().trim().min(1).max(255),
});

export function isLocalisedText(value: unknown): value is LocalisedText {
  return localisedTextSchema.safeParse(value).success;
}
