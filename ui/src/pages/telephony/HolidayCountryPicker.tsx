import { http } from '../../lib/api';
import { useLoad } from '../../lib/components';
import { SelectField } from '../../lib/forms';
import { preferences, t } from '../../lib/i18n';
import { TELEPHONY_API } from './resource';

interface Named {
  code: string;
  name: string;
}

interface Calendar {
  year: number;
  regions: Named[];
  holidays: Array<{ date: string; name: string }>;
}

/**
 * Which country's public holidays close the line: a country list named in the reader's
 * language, the country's regions that have holidays of their own (Alsace-Moselle, the overseas
 * departments…), and this year's holidays as a check of the choice.
 */
export function HolidayCountryPicker(props: {
  country: string;
  region: string;
  onCountry: (country: string) => void;
  onRegion: (region: string) => void;
  errors: Record<string, string>;
}) {
  const lang = preferences.get().locale;
  const countries = useLoad((signal) => http.get<{ items: Named[] }>(`${TELEPHONY_API}/public-holidays/countries`, { lang }, signal), [lang]);
  const calendar = useLoad(
    (signal) => (props.country ? http.get<Calendar>(`${TELEPHONY_API}/public-holidays/${props.country}`, { lang, ...(props.region ? { region: props.region } : {}) }, signal) : Promise.resolve(null)),
    [props.country, props.region, lang],
  );
  const countryOptions = [{ value: '', label: t('tel.sch.noPublicHolidays') }, ...(countries.data?.items ?? []).map((c) => ({ value: c.code, label: c.name }))];
  if (props.country && !countryOptions.some((o) => o.value === props.country)) countryOptions.push({ value: props.country, label: props.country });
  // A holiday is a calendar date, not an instant: formatted in UTC so no time zone moves it.
  const dayFormat = new Intl.DateTimeFormat(lang, { weekday: 'short', day: 'numeric', month: 'long', timeZone: 'UTC' });
  const regions = calendar.data?.regions ?? [];
  const regionOptions = [{ value: '', label: t('tel.sch.wholeCountry') }, ...regions.map((r) => ({ value: r.code, label: r.name }))];
  if (props.region && !regionOptions.some((o) => o.value === props.region)) regionOptions.push({ value: props.region, label: props.region });
  return (
    <fieldset class="field holiday-country" data-field="publicHolidays">
      <legend>{t('tel.sch.publicHolidays')}</legend>
      <div class="grid-2">
        <SelectField
          label={t('tel.sch.country')}
          name="publicHolidays.country"
          value={props.country}
          error={props.errors['publicHolidays.country']}
          options={countryOptions}
          onValue={(country) => {
            props.onCountry(country);
            props.onRegion('');
          }}
        />
        {props.country && (regions.length > 0 || props.region) && (
          <SelectField label={t('tel.sch.region')} hint={t('tel.sch.regionHint')} name="publicHolidays.region" value={props.region} error={props.errors['publicHolidays.region']} options={regionOptions} onValue={props.onRegion} />
        )}
      </div>
      {calendar.data && calendar.data.holidays.length > 0 && (
        <details class="holiday-preview">
          <summary>{t('tel.sch.holidaysOfYear', { year: calendar.data.year, count: calendar.data.holidays.length })}</summary>
          <ul>
            {calendar.data.holidays.map((h) => (
              <li key={h.date}>
                {dayFormat.format(new Date(`${h.date}T00:00:00Z`))} · {h.name}
              </li>
            ))}
          </ul>
        </details>
      )}
    </fieldset>
  );
}
