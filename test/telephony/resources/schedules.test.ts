import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import type { ScheduleService } from '../../../core/telephony/resources/schedule-service';
import { API, fieldErrors, ok, startResourcesApp } from './resources-app';

const OFFICE_HOURS = [1, 2, 3, 4, 5].flatMap((day) => [
  { day, open: '09:00', close: '12:00' },
  { day, open: '14:00', close: '18:00' },
]);

describe('Telephony resources: opening hours', () => {
  let t: TestApp;
  let admin: ApiClient;
  let schedules: ScheduleService;
  let paris: any;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
    schedules = t.app.cradle.telephonyResources.schedules;
    paris = ok(await admin.post(`${API}/schedules`, { name: 'Paris', timeZone: 'Europe/Paris', weekly: OFFICE_HOURS, publicHolidays: { country: 'FR' } }), 201);
  });
  after(() => t.stop());

  const at = (iso: string) => new Date(iso);

  it('is open inside weekly slots and closed outside them, in local time', async () => {
    // Monday 23 November 2026, Paris is UTC+1.
    expect(await schedules.isOpen(paris.id, at('2026-11-23T08:30:00Z'))).to.equal(true); // 09:30
    expect(await schedules.isOpen(paris.id, at('2026-11-23T07:59:00Z'))).to.equal(false); // 08:59
    expect(await schedules.isOpen(paris.id, at('2026-11-23T11:30:00Z'))).to.equal(false); // 12:30, lunch
    expect(await schedules.isOpen(paris.id, at('2026-11-23T13:00:00Z'))).to.equal(true); // 14:00 sharp
    expect(await schedules.isOpen(paris.id, at('2026-11-23T17:00:00Z'))).to.equal(false); // 18:00 sharp: closed
    expect(await schedules.isOpen(paris.id, at('2026-11-22T10:00:00Z'))).to.equal(false); // Sunday
  });

  it('follows daylight saving time in the schedule time zone', async () => {
    // Europe changes on Sunday 29 March 2026: 07:30 UTC is 08:30 the Monday before, 09:30 the Monday after.
    expect(await schedules.isOpen(paris.id, at('2026-03-23T07:30:00Z'))).to.equal(false);
    expect(await schedules.isOpen(paris.id, at('2026-03-30T07:30:00Z'))).to.equal(true);
    const newYork = ok(await admin.post(`${API}/schedules`, { name: 'New York', timeZone: 'America/New_York', weekly: [{ day: 1, open: '09:00', close: '17:00' }] }), 201);
    // The United States change back on Sunday 1 November 2026: 13:30 UTC is 09:30 EDT, then 08:30 EST.
    expect(await schedules.isOpen(newYork.id, at('2026-10-26T13:30:00Z'))).to.equal(true);
    expect(await schedules.isOpen(newYork.id, at('2026-11-02T13:30:00Z'))).to.equal(false);
    expect(await schedules.isOpen(newYork.id, at('2026-11-02T14:30:00Z'))).to.equal(true);
    // The same instant is Monday evening in Paris and Monday afternoon in New York.
    expect(await schedules.isOpen(paris.id, at('2026-11-23T18:00:00Z'))).to.equal(false);
    expect(await schedules.isOpen(newYork.id, at('2026-11-23T18:00:00Z'))).to.equal(true);
  });

  it('closes on public holidays of the country and region, and on manual dates', async () => {
    // Wednesday 11 November 2026, Armistice.
    const armistice = await schedules.status(paris.id, at('2026-11-11T09:00:00Z'));
    expect(armistice).to.include({ open: false, reason: 'holiday', holiday: 'Armistice 1918' });
    // Good Friday (3 April 2026) is a holiday in Moselle only.
    expect(await schedules.isOpen(paris.id, at('2026-04-03T08:00:00Z'))).to.equal(true);
    const metz = ok(await admin.post(`${API}/schedules`, { name: 'Metz', timeZone: 'Europe/Paris', weekly: OFFICE_HOURS, publicHolidays: { country: 'FR', region: '57' } }), 201);
    expect(await schedules.isOpen(metz.id, at('2026-04-03T08:00:00Z'))).to.equal(false);
    // A company closure on Thursday 24 December.
    expect(await schedules.isOpen(paris.id, at('2026-12-24T09:00:00Z'))).to.equal(true);
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { holidays: [{ date: '2026-12-24', label: 'Fermeture annuelle' }] }));
    expect(await schedules.status(paris.id, at('2026-12-24T09:00:00Z'))).to.include({ open: false, reason: 'holiday', holiday: 'Fermeture annuelle' });
    // The manual date is local: 23:30 UTC on the 23rd is already the 24th in Paris.
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { weekly: [...OFFICE_HOURS.filter((s) => s.day !== 4), { day: 4, open: '00:00', close: '24:00' }] }));
    expect(await schedules.isOpen(paris.id, at('2026-12-23T23:30:00Z'))).to.equal(false);
    expect(await schedules.isOpen(paris.id, at('2026-12-17T22:30:00Z'))).to.equal(true); // an ordinary Thursday, 23:30 in Paris
    // Without automatic holidays, Armistice is an ordinary Wednesday.
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { publicHolidays: null, weekly: OFFICE_HOURS }));
    expect(await schedules.isOpen(paris.id, at('2026-11-11T09:00:00Z'))).to.equal(true);
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { publicHolidays: { country: 'FR' } }));
  });

  it('obeys a manual open or closed override before anything else', async () => {
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { override: 'open' }));
    expect(await schedules.status(paris.id, at('2026-11-22T22:00:00Z'))).to.include({ open: true, reason: 'override' }); // Sunday night
    expect(await schedules.isOpen(paris.id, at('2026-11-11T09:00:00Z'))).to.equal(true); // holiday
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { override: 'closed' }));
    expect(await schedules.isOpen(paris.id, at('2026-11-23T08:30:00Z'))).to.equal(false);
    ok(await admin.patch(`${API}/schedules/${paris.id}`, { override: null }));
    expect(await schedules.isOpen(paris.id, at('2026-11-23T08:30:00Z'))).to.equal(true);
  });

  it('answers the status over HTTP, in local time', async () => {
    const status = ok(await admin.get(`${API}/schedules/${paris.id}/status?at=2026-11-23T08:30:00Z`));
    expect(status).to.deep.equal({ open: true, reason: 'weekly_slot', localTime: '2026-11-23T09:30:00+01:00' });
    expect((await admin.get(`${API}/schedules/9999/status`)).status).to.equal(404);
  });

  it('refuses impossible schedules field by field', async () => {
    const errors = fieldErrors(
      await admin.post(`${API}/schedules`, {
        name: 'Bad',
        timeZone: 'Europe/Lutece',
        weekly: [{ day: 8, open: '9:00', close: '25:00' }],
        holidays: [{ date: '2026-02-30' }],
      }),
    );
    expect(errors).to.include.keys('body.timeZone', 'body.weekly.0.day', 'body.weekly.0.open', 'body.weekly.0.close', 'body.holidays.0.date');
    expect(fieldErrors(await admin.post(`${API}/schedules`, { name: 'Bad', timeZone: 'Europe/Paris', weekly: [{ day: 1, open: '18:00', close: '09:00' }] }))).to.deep.equal({ 'body.weekly.0.close': 'before_open' });
    expect(fieldErrors(await admin.post(`${API}/schedules`, { name: 'Bad', timeZone: 'Europe/Paris', weekly: [], publicHolidays: { country: 'FR', region: 'XX' } }))).to.deep.equal({ 'body.publicHolidays.region': 'not_found' });
    expect(fieldErrors(await admin.post(`${API}/schedules`, { name: 'Bad', timeZone: 'Europe/Paris', weekly: [], publicHolidays: { country: 'QQ' } }))).to.deep.equal({ 'body.publicHolidays.country': 'not_found' });
    expect(fieldErrors(await admin.post(`${API}/schedules`, { name: 'Paris', timeZone: 'Europe/Paris', weekly: [] }))).to.deep.equal({ 'body.name': 'duplicate' });
  });
});
