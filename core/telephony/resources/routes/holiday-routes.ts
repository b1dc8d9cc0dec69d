import { z } from 'zod';
import { defineRoute, type RouteDefinition } from '../../../http/routes';
import { integerText, locale } from '../../../http/schemas';
import type { PublicHolidays } from '../holidays';
import { invalidField } from '../problems';

const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 country code such as FR');

/** What the opening-hours country picker shows: countries, their regions, a year's holidays. */
export function holidayRoutes(holidays: PublicHolidays): RouteDefinition[] {
  return [
    defineRoute({
      id: 'telephony.publicHolidays.countries',
      method: 'GET',
      path: '/public-holidays/countries',
      summary: 'Countries whose public holidays opening hours can follow, named in the given language',
      permission: 'telephony.read',
      input: { query: z.strictObject({ lang: locale.default('en') }) },
      handler: ({ query }) => ({ items: holidays.countries(query.lang) }),
    }),
    defineRoute({
      id: 'telephony.publicHolidays.calendar',
      method: 'GET',
      path: '/public-holidays/:country',
      summary: "A country's regions with their own holidays, and the public holidays of one year (this year by default)",
      permission: 'telephony.read',
      input: {
        params: z.object({ country }),
        query: z.strictObject({ region: z.string().max(16).optional(), year: integerText(1970, 2199).optional(), lang: locale.default('en') }),
      },
      handler: ({ params, query }) => {
        const region = query.region || null;
        const problem = holidays.check(params.country, region);
        if (problem) throw invalidField(problem.startsWith('unknown region') ? 'query.region' : 'params.country', 'not_found', problem);
        const year = query.year ?? new Date().getUTCFullYear();
        return { country: params.country, region, year, regions: holidays.regions(params.country, query.lang), holidays: holidays.named(params.country, region, year, query.lang) };
      },
    }),
  ];
}
