import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import type { ScheduleService } from '../../../core/telephony/resources/schedule-service';
import { API, fieldErrors, ok, startResourcesApp } from './resources-app';

/**
 * The per-day grid's rules: several ranges a day, days without ranges closed, ranges that touch
 * allowed, overlapping or inverted ones refused with the day and both ranges named; the country
 * picker's lists (countries, regions, a year's holidays) in English and French.
 */
describe('Telephony resources: opening-hours grid and public-holiday calendars', () => {
  let t: TestApp;
  let admin: ApiClient;
  let schedules: ScheduleService;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
    schedules = t.app.cradle.telephonyResources.schedules;
  });
  after(() => t.stop());

  const at = (iso: string) => new Date(iso);

  it('evaluates several ranges a day, touching ranges as one, and a day without ranges as closed', async () => {
    // Monday: 08:00–12:00 and 12:00–13:00 touch; 14:00–17:00. Saturday: 09:00–12:00. Others closed.
    const weekly = [
      { day: 1, open: '14:00', close: '17:00' },
      { day: 1, open: '08:00', close: '12:00' },
      { day: 1, open: '12:00', close: '13:00' },
      { day: 6, open: '09:00', close: '12:00' },
    ];
    const shop = ok(await admin.post(`${API}/schedules`, { name: 'Shop', timeZone: 'Europe/Paris', weekly }), 201);
    // Monday 23 November 2026, Paris is UTC+1.
    expect(await schedules.status(shop.id, at('2026-11-23T10:59:00Z'))).to.include({ open: true, reason: 'weekly_slot' }); // 11:59
    expect(await schedules.isOpen(shop.id, at('2026-11-23T11:00:00Z'))).to.equal(true); // 12:00, second range
    expect(await schedules.isOpen(shop.id, at('2026-11-23T12:30:00Z'))).to.equal(false); // 13:30, lunch
    expect(await schedules.isOpen(shop.id, at('2026-11-23T15:59:00Z'))).to.equal(true); // 16:59
    expect(await schedules.status(shop.id, at('2026-11-24T10:00:00Z'))).to.include({ open: false, reason: 'outside_hours' }); // Tuesday: closed day
    expect(await schedules.isOpen(shop.id, at('2026-11-28T09:00:00Z'))).to.equal(true); // Saturday 10:00
    expect(ok(await admin.get(`${API}/schedules/${shop.id}`)).weekly).to.deep.equal(weekly);
  });

  it('refuses overlapping ranges of one day, naming the day and both ranges, and nothing is saved', async () => {
    const office = ok(await admin.post(`${API}/schedules`, { name: 'Office', timeZone: 'Europe/Paris', weekly: [{ day: 2, open: '09:00', close: '12:00' }] }), 201);
    const res = await admin.patch(`${API}/schedules/${office.id}`, {
      weekly: [
        { day: 2, open: '09:00', close: '18:00' },
        { day: 2, open: '12:00', close: '13:00' }, // inside the first
        { day: 3, open: '09:00', close: '12:00' },
        { day: 3, open: '11:30', close: '14:00' }, // overlaps the one before
        { day: 4, open: '09:00', close: '12:00' },
        { day: 5, open: '09:00', close: '12:00' }, // same hours on another day: fine
        { day: 6, open: '18:00', close: '09:00' }, // inverted
      ],
    });
    expect(fieldErrors(res)).to.deep.equal({ 'body.weekly.1.open': 'overlap', 'body.weekly.3.open': 'overlap', 'body.weekly.6.close': 'before_open' });
    const messages = Object.fromEntries((res.body.errors as Array<{ field: string; message: string }>).map((e) => [e.field, e.message]));
    expect(messages['body.weekly.1.open']).to.include('Tuesday').and.include('12:00–13:00').and.include('09:00–18:00');
    expect(messages['body.weekly.3.open']).to.include('Wednesday').and.include('11:30–14:00 overlaps 09:00–12:00');
    expect(messages['body.weekly.6.close']).to.include('Saturday 18:00–09:00');
    expect(ok(await admin.get(`${API}/schedules/${office.id}`)).weekly).to.deep.equal([{ day: 2, open: '09:00', close: '12:00' }]);
    // A range ending at midnight and one starting at midnight the next day do not overlap.
    ok(await admin.patch(`${API}/schedules/${office.id}`, { weekly: [{ day: 1, open: '20:00', close: '24:00' }, { day: 2, open: '00:00', close: '06:00' }] }));
  });

  it('lists countries and their regions for the picker, named in English or French', async () => {
    const en = ok(await admin.get(`${API}/public-holidays/countries`)).items as Array<{ code: string; name: string }>;
    const fr = ok(await admin.get(`${API}/public-holidays/countries?lang=fr`)).items as Array<{ code: string; name: string }>;
    expect(en.find((c) => c.code === 'DE')!.name).to.equal('Germany');
    expect(fr.find((c) => c.code === 'FR')!.name).to.equal('France');
    expect(fr.find((c) => c.code === 'DE')!.name).to.equal('Allemagne');
    // Sorted by name in the reader's language.
    const names = fr.map((c) => c.name);
    expect(names).to.deep.equal([...names].sort((a, b) => a.localeCompare(b, 'fr')));

    const moselle = ok(await admin.get(`${API}/public-holidays/FR?region=57&year=2026&lang=fr`));
    expect(moselle.regions.map((r: { code: string }) => r.code)).to.include.members(['57', '67', '68', 'GP', 'MQ', 'GF', 'RE', 'YT']);
    expect(moselle.holidays).to.deep.include({ date: '2026-04-03', name: 'Vendredi saint' });
    expect(moselle.holidays).to.deep.include({ date: '2026-12-26', name: 'Lendemain de Noël' });
    const paris = ok(await admin.get(`${API}/public-holidays/FR?year=2026`));
    expect(paris.holidays.map((h: { date: string }) => h.date)).not.to.include('2026-04-03');
    expect(paris.holidays).to.deep.include({ date: '2026-11-11', name: 'Armistice Day' });
    // Abolition of slavery in Réunion (20 December).
    expect(ok(await admin.get(`${API}/public-holidays/FR?region=RE&year=2026`)).holidays.map((h: { date: string }) => h.date)).to.include('2026-12-20');

    expect(fieldErrors(await admin.get(`${API}/public-holidays/QQ`))).to.deep.equal({ 'params.country': 'not_found' });
    expect(fieldErrors(await admin.get(`${API}/public-holidays/FR?region=XX`))).to.deep.equal({ 'query.region': 'not_found' });
    expect(fieldErrors(await admin.get(`${API}/public-holidays/fr`))).to.have.property('params.country');
    expect((await t.client().get(`${API}/public-holidays/countries`)).status).to.equal(401);
  });
});
