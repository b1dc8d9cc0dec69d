import { t } from '../../lib/i18n';
import { TimeInput } from '../../lib/time-input';

/** One opening range of a weekday; 1 = Monday … 7 = Sunday. The API's `weekly` items. */
export interface Slot {
  day: number;
  open: string;
  close: string;
}

export const DAYS = [1, 2, 3, 4, 5, 6, 7];
const WEEKDAYS_AFTER_MONDAY = [2, 3, 4, 5];

export function dayName(day: number): string {
  return t(`tel.day.${day}`);
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The slots in day order (and by opening time within a day), as the grid shows and saves them. */
export function sortSlots(slots: Slot[]): Slot[] {
  return [...slots].sort((a, b) => a.day - b.day || a.open.localeCompare(b.open));
}

/**
 * The same rules as the server (inverted ranges, overlapping ranges of one day), checked before
 * sending so the message is in the reader's language and names the day and both ranges. Keys are
 * the API's field names (`weekly.3.open`), so errors land next to the right inputs either way.
 */
export function weeklyErrors(weekly: Slot[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const valid: Array<{ slot: Slot; index: number }> = [];
  weekly.forEach((slot, index) => {
    if (!/^\d\d:\d\d$/.test(slot.open) || !/^\d\d:\d\d$/.test(slot.close)) errors[`weekly.${index}.open`] = t('tel.sch.timeMissing');
    else if (minutes(slot.close) <= minutes(slot.open)) errors[`weekly.${index}.close`] = t('tel.sch.inverted', { day: dayName(slot.day), range: `${slot.open}–${slot.close}` });
    else valid.push({ slot, index });
  });
  for (const day of DAYS) {
    let latest: Slot | null = null;
    for (const { slot, index } of valid.filter((r) => r.slot.day === day).sort((a, b) => minutes(a.slot.open) - minutes(b.slot.open))) {
      if (latest && minutes(slot.open) < minutes(latest.close)) {
        errors[`weekly.${index}.open`] = t('tel.sch.overlap', { day: dayName(day), range: `${slot.open}–${slot.close}`, other: `${latest.open}–${latest.close}` });
      }
      if (!latest || minutes(slot.close) > minutes(latest.close)) latest = slot;
    }
  }
  return errors;
}

/**
 * Opening hours as a week: one row per day with its ranges (none: closed that day), add and
 * remove a range, and "copy to weekdays" that gives Tuesday to Friday Monday's ranges. Every
 * control is labelled with its day, so a screen reader says "Monday, range 2, opens".
 */
export function WeekGrid(props: { value: Slot[]; onValue: (slots: Slot[]) => void; errors: Record<string, string> }) {
  const { value } = props;
  const update = (index: number, change: Partial<Slot>) => props.onValue(value.map((slot, i) => (i === index ? { ...slot, ...change } : slot)));
  const add = (day: number) => {
    const last = value.filter((s) => s.day === day).sort((a, b) => a.close.localeCompare(b.close)).pop();
    // A second range starts an hour after the first one closes (a lunch break), else office hours.
    const open = last ? `${String(Math.min(23, Number(last.close.slice(0, 2)) + 1)).padStart(2, '0')}:00` : '09:00';
    const close = last ? `${String(Math.min(24, Number(open.slice(0, 2)) + 4)).padStart(2, '0')}:00` : '18:00';
    props.onValue(sortSlots([...value, { day, open, close }]));
  };
  const copyToWeekdays = () => {
    const monday = value.filter((s) => s.day === 1);
    props.onValue(sortSlots([...value.filter((s) => !WEEKDAYS_AFTER_MONDAY.includes(s.day)), ...WEEKDAYS_AFTER_MONDAY.flatMap((day) => monday.map((s) => ({ ...s, day })))]));
  };
  const own = props.errors.weekly;
  return (
    <fieldset class="field week-grid" data-field="weekly">
      <legend>{t('tel.sch.weekly')}</legend>
      <p class="hint">{t('tel.sch.gridHint')}</p>
      <table class="week-table">
        <tbody>
          {DAYS.map((day) => {
            const ranges = value.map((slot, index) => ({ slot, index })).filter((r) => r.slot.day === day);
            return (
              <tr key={day} data-day={day}>
                <th scope="row">{dayName(day)}</th>
                <td>
                  {ranges.length === 0 && <span class="muted day-closed">{t('tel.sch.closedDay')}</span>}
                  {ranges.map(({ slot, index }, n) => {
                    const label = t('tel.sch.rangeOf', { day: dayName(day), n: n + 1 });
                    const error = props.errors[`weekly.${index}.open`] ?? props.errors[`weekly.${index}.close`] ?? props.errors[`weekly.${index}.day`] ?? props.errors[`weekly.${index}`];
                    const errorId = `weekly-${index}-error`;
                    return (
                      <div class="range" key={index} data-field={`weekly.${index}`} role="group" aria-label={label}>
                        <label data-field={`weekly.${index}.open`}>
                          <span class="visually-hidden">{label}, </span>
                          {t('tel.sch.from')}{' '}
                          <TimeInput value={slot.open} required invalid={!!error} describedBy={error ? errorId : undefined} onValue={(open) => update(index, { open })} />
                        </label>
                        <label data-field={`weekly.${index}.close`}>
                          <span class="visually-hidden">{label}, </span>
                          {t('tel.sch.to')}{' '}
                          <TimeInput value={slot.close} required endOfDay invalid={!!error} describedBy={error ? errorId : undefined} onValue={(close) => update(index, { close })} />
                        </label>
                        <button type="button" class="danger" onClick={() => props.onValue(value.filter((_, i) => i !== index))} aria-label={t('tel.removeItem', { name: `${dayName(day)} ${slot.open}–${slot.close}` })}>
                          ×
                        </button>
                        {error && (
                          <p class="field-error" id={errorId}>
                            {error}
                          </p>
                        )}
                      </div>
                    );
                  })}
                  <div class="day-actions">
                  <button type="button" onClick={() => add(day)} aria-label={t('tel.sch.addRangeTo', { day: dayName(day) })}>
                    {t('tel.sch.addRange')}
                  </button>
                  {day === 1 && (
                    <button type="button" onClick={copyToWeekdays} data-testid="copy-to-weekdays">
                      {t('tel.sch.copyToWeekdays')}
                    </button>
                  )}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {own && <p class="field-error">{own}</p>}
    </fieldset>
  );
}
