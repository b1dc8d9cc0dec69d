import { DateInput } from '../../lib/date-input';
import { http } from '../../lib/api';
import { useLoad } from '../../lib/components';
import { FormStatus, SelectField, TextField, useForm } from '../../lib/forms';
import { preferences, t, timeZones } from '../../lib/i18n';
import { HolidayCountryPicker } from './HolidayCountryPicker';
import { listError } from './OrderedPicker';
import { orNull, TELEPHONY_API } from './resource';
import { FormButtons, ResourcePage, type FormDone } from './ResourcePage';
import { DAYS, dayName, sortSlots, WeekGrid, weeklyErrors, type Slot } from './WeekGrid';

interface Holiday {
  date: string;
  label: string;
}

export interface Schedule {
  id: number;
  name: string;
  timeZone: string;
  weekly: Slot[];
  holidays: Holiday[];
  publicHolidays: { country: string; region: string | null } | null;
  override: 'open' | 'closed' | null;
}

interface ScheduleStatus {
  open: boolean;
  reason: 'override' | 'holiday' | 'weekly_slot' | 'outside_hours';
  holiday?: string;
  localTime: string;
}

/** What most offices start from: Monday to Friday, 9:00–12:30 and 14:00–18:00. */
const OFFICE_HOURS: Slot[] = DAYS.slice(0, 5).flatMap((day) => [
  { day, open: '09:00', close: '12:30' },
  { day, open: '14:00', close: '18:00' },
]);

function HolidaysEditor(props: { value: Holiday[]; onValue: (holidays: Holiday[]) => void; errors: Record<string, string> }) {
  const { value } = props;
  const update = (index: number, change: Partial<Holiday>) => props.onValue(value.map((h, i) => (i === index ? { ...h, ...change } : h)));
  return (
    <fieldset class="field holidays" data-field="holidays">
      <legend>{t('tel.sch.holidays')}</legend>
      {value.map((holiday, index) => (
        <div class="inline-form" key={index} data-field={`holidays.${index}`}>
          <DateInput label={t('tel.sch.date')} value={holiday.date} required onValue={(date) => update(index, { date })} />
          <label>
            <span class="visually-hidden">{t('tel.sch.label')}</span>
            <input type="text" value={holiday.label} placeholder={t('tel.sch.label')} maxLength={80} onInput={(e) => update(index, { label: (e.currentTarget as HTMLInputElement).value })} />
          </label>
          <button type="button" class="danger" onClick={() => props.onValue(value.filter((_, i) => i !== index))} aria-label={t('tel.removeItem', { name: holiday.date })}>
            ×
          </button>
        </div>
      ))}
      <div class="form-actions">
        <button type="button" onClick={() => props.onValue([...value, { date: new Date().toISOString().slice(0, 10), label: '' }])}>
          {t('tel.sch.addHoliday')}
        </button>
      </div>
      {listError(props.errors, 'holidays') && <p class="field-error">{listError(props.errors, 'holidays')}</p>}
    </fieldset>
  );
}

function ScheduleForm(props: { schedule: Schedule | null; done: FormDone }) {
  const { schedule } = props;
  const form = useForm({
    name: schedule?.name ?? '',
    timeZone: schedule?.timeZone ?? 'Europe/Paris',
    weekly: sortSlots(schedule?.weekly ?? OFFICE_HOURS),
    holidays: schedule?.holidays ?? ([] as Holiday[]),
    // A new schedule follows the holidays of the system's country (Settings), which it may change.
    'publicHolidays.country': schedule ? (schedule.publicHolidays?.country ?? '') : preferences.get().region || 'FR',
    'publicHolidays.region': schedule?.publicHolidays?.region ?? '',
    override: schedule?.override ?? '',
  });
  const submit = form.onSubmit(async (values) => {
    const problems = weeklyErrors(values.weekly);
    if (Object.keys(problems).length) return form.fail(problems, t('common.errorFields'));
    const country = values['publicHolidays.country'].trim().toUpperCase();
    const body = {
      name: values.name.trim(),
      timeZone: values.timeZone,
      weekly: values.weekly,
      holidays: values.holidays,
      publicHolidays: country ? { country, region: orNull(values['publicHolidays.region']) } : null,
      override: values.override || null,
    };
    if (schedule) await http.patch(`${TELEPHONY_API}/schedules/${schedule.id}`, body);
    else await http.post(`${TELEPHONY_API}/schedules`, body);
    props.done.saved();
  });
  return (
    <form class="stack" ref={form.formRef} onSubmit={submit} noValidate data-testid="schedule-form">
      <div class="grid-2">
        <TextField label={t('common.name')} required autoComplete="off" {...form.field('name')} />
        <SelectField label={t('prefs.timeZone')} options={timeZones().map((z) => ({ value: z, label: z }))} {...form.field('timeZone')} />
      </div>
      <SelectField
        label={t('tel.sch.override')}
        hint={t('tel.sch.overrideHint')}
        options={[
          { value: '', label: t('tel.sch.override.none') },
          { value: 'open', label: t('tel.sch.override.open') },
          { value: 'closed', label: t('tel.sch.override.closed') },
        ]}
        {...form.field('override')}
      />
      <WeekGrid value={form.values.weekly} onValue={(weekly) => form.set('weekly', weekly)} errors={form.errors} />
      {form.values.weekly.length === 0 && (
        <div class="form-actions">
          <button type="button" onClick={() => form.set('weekly', OFFICE_HOURS)}>
            {t('tel.sch.officeHours')}
          </button>
        </div>
      )}
      <HolidayCountryPicker
        country={form.values['publicHolidays.country']}
        region={form.values['publicHolidays.region']}
        onCountry={(country) => form.set('publicHolidays.country', country)}
        onRegion={(region) => form.set('publicHolidays.region', region)}
        errors={form.errors}
      />
      <HolidaysEditor value={form.values.holidays} onValue={(holidays) => form.set('holidays', holidays)} errors={form.errors} />
      <FormStatus form={form} />
      <FormButtons done={props.done} creating={!schedule} busy={form.busy} />
    </form>
  );
}

/** Whether a schedule is open now, and why. */
function OpenNow(props: { schedule: Schedule }) {
  const status = useLoad((signal) => http.get<ScheduleStatus>(`${TELEPHONY_API}/schedules/${props.schedule.id}/status`, undefined, signal), [props.schedule]);
  if (!status.data) return null;
  const { open, reason, holiday } = status.data;
  return (
    <span class={`badge ${open ? 'badge-ok' : 'badge-warn'}`} title={holiday}>
      {open ? t('tel.sch.openNow') : t('tel.sch.closedNow')} · {t(`tel.sch.reason.${reason}`)}
    </span>
  );
}

/** "Mon–Fri 09:00–12:30, 14:00–18:00 · Sat 09:00–12:00": consecutive days with the same hours together. */
function summary(weekly: Slot[]): string {
  const hoursOf = (day: number) =>
    weekly
      .filter((s) => s.day === day)
      .sort((a, b) => a.open.localeCompare(b.open))
      .map((s) => `${s.open}–${s.close}`)
      .join(', ');
  const runs: Array<{ first: number; last: number; hours: string }> = [];
  for (const day of DAYS) {
    const hours = hoursOf(day);
    if (!hours) continue;
    const run = runs[runs.length - 1];
    if (run && run.last === day - 1 && run.hours === hours) run.last = day;
    else runs.push({ first: day, last: day, hours });
  }
  const short = (day: number) => dayName(day).slice(0, 3);
  return runs.map((r) => `${r.first === r.last ? short(r.first) : `${short(r.first)}–${short(r.last)}`} ${r.hours}`).join(' · ');
}

/** Opening hours: weekly slots, holidays and a manual override; routes use them as conditions. */
export default function SchedulesPage() {
  return (
    <ResourcePage<Schedule>
      title={t('page.schedules')}
      resource="schedules"
      testId="schedules"
      searchHint={t('tel.sch.searchHint')}
      addLabel={t('tel.sch.add')}
      editLabel={t('tel.sch.edit')}
      nameOf={(s) => s.name}
      columns={[
        { label: t('common.name'), cell: (s) => <strong>{s.name}</strong> },
        { label: t('tel.sch.now'), cell: (s) => <OpenNow schedule={s} /> },
        { label: t('tel.sch.weekly'), cell: (s) => summary(s.weekly) || t('tel.sch.noSlot') },
        { label: t('tel.sch.override'), cell: (s) => (s.override ? t(`tel.sch.override.${s.override}`) : t('tel.sch.override.none')) },
        { label: t('prefs.timeZone'), cell: (s) => s.timeZone },
      ]}
      renderForm={(s, done) => <ScheduleForm schedule={s} done={done} />}
    />
  );
}
