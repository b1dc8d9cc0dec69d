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
