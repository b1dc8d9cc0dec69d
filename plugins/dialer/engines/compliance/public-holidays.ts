import Holidays from 'date-holidays';

const cache = new Map<string, ReadonlySet<string>>();

/** Whether the local calendar date (YYYY-MM-DD) is a holiday of one of the given types. */
export function isPublicHoliday(
  isoDate: string,
  country: string,
  region: string | undefined,
  types: readonly string[],
): boolean {
  const year = Number(isoDate.slice(0, 4));
  const key = `${country}|${region ?? ''}|${year}|${types.join(',')}`;
  let dates = cache.get(key);
  if (!dates) {
    const calendar = region ? new Holidays(country, region) : new Holidays(country);
    dates = new Set(
      calendar
        .getHolidays(year)
        .filter((h) => types.includes(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    cache.set(key, dates);
  }
  return dates.has(isoDate);
}
