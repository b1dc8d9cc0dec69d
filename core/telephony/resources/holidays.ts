import Holidays from 'date-holidays';

/** Public holidays by country and region, from `date-holidays`; one computation per year kept. */
export class PublicHolidays {
  private readonly cache = new Map<string, Map<string, string>>();

  /** Whether `country` (ISO 3166-1 alpha-2) and the optional region (e.g. FR + 57 for Moselle) are known. */
  check(country: string, region: string | null): string | null {
    const countries = new Holidays().getCountries('en');
    if (!countries[country]) return `unknown country "${country}" (ISO 3166-1 code such as FR)`;
    if (region) {
      const regions = new Holidays().getStates(country, 'en') ?? {};
      if (!regions[region]) return `unknown region "${region}" for ${country}${Object.keys(regions).length ? ` (one of ${Object.keys(regions).join(', ')})` : ''}`;
    }
    return null;
  }

  /** Every country with a calendar, named in `lang` (en or fr), sorted by name: what the country picker offers. */
  countries(lang: string): Array<{ code: string; name: string }> {
    const named = new Holidays().getCountries(lang);
    // date-holidays names most countries in their own language (Deutschland); Intl says "Allemagne" to a French reader.
    const display = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    return Object.entries(named)
      .map(([code, name]) => ({ code, name: display.of(code) ?? name }))
      .sort((a, b) => a.name.localeCompare(b.name, lang));
  }

  /** The regions of a country with holidays of their own (France: Alsace-Moselle, the overseas departments). */
  regions(country: string, lang: string): Array<{ code: string; name: string }> {
    const named = new Holidays().getStates(country, lang) ?? {};
    return Object.entries(named)
      .map(([code, name]) => ({ code, name }))
      .sort((a, b) => a.name.localeCompare(b.name, lang));
  }

  /** The public holidays of one year, named in `lang`, in date order: the preview under the picker. */
  named(country: string, region: string | null, year: number, lang: string): Array<{ date: string; name: string }> {
    const calendar = region ? new Holidays(country, region) : new Holidays(country);
    const seen = new Set<string>();
    return calendar
      .getHolidays(year, lang)
      .filter((h) => h.type === 'public')
      .map((h) => ({ date: h.date.slice(0, 10), name: h.name }))
      .filter((h) => !seen.has(h.date) && seen.add(h.date) !== undefined);
  }

  /** Date (YYYY-MM-DD) → name of the public holidays of that year. */
  of(country: string, region: string | null, year: number): Map<string, string> {
    const key = `${country}/${region ?? ''}/${year}`;
    let found = this.cache.get(key);
    if (!found) {
      const calendar = region ? new Holidays(country, region) : new Holidays(country);
      // Only days off by law: "observance" days (Mother's Day…) and bank holidays are working days.
      found = new Map(calendar.getHolidays(year).filter((h) => h.type === 'public').map((h) => [h.date.slice(0, 10), h.name]));
      this.cache.set(key, found);
    }
    return found;
  }
}
