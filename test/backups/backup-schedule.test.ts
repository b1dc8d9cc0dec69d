import { expect } from 'chai';
import { isDue, latestSlot, nextSlot, type BackupSchedule } from '../../core/backups/backup-schedule';

const base: BackupSchedule = { enabled: true, frequency: 'daily', weekday: 'sunday', time: '02:30', keep: 7, updatedAt: '2026-01-01T00:00:00.000Z' };

describe('backup schedule (system time zone)', () => {
  it('daily: the slot is the wall-clock time in the zone, winter and summer', () => {
    expect(latestSlot(base, new Date('2026-01-15T12:00:00Z'), 'Europe/Paris').toISOString()).to.equal('2026-01-15T01:30:00.000Z');
    expect(latestSlot(base, new Date('2026-07-15T12:00:00Z'), 'Europe/Paris').toISOString()).to.equal('2026-07-15T00:30:00.000Z');
    expect(latestSlot(base, new Date('2026-07-15T00:10:00Z'), 'Europe/Paris').toISOString(), 'before today’s slot: yesterday’s').to.equal('2026-07-14T00:30:00.000Z');
    expect(nextSlot(base, new Date('2026-07-15T00:10:00Z'), 'America/New_York').toISOString()).to.equal('2026-07-15T06:30:00.000Z');
  });

  it('weekly: the chosen day only', () => {
    const weekly = { ...base, frequency: 'weekly' as const, weekday: 'friday' as const, time: '23:00' };
    // 2026-12-11 is a Friday.
    expect(latestSlot(weekly, new Date('2026-12-14T10:00:00Z'), 'UTC').toISOString()).to.equal('2026-12-11T23:00:00.000Z');
    expect(nextSlot(weekly, new Date('2026-12-11T23:00:00Z'), 'UTC').toISOString()).to.equal('2026-12-18T23:00:00.000Z');
  });

  it('runs once per slot, never for a slot before the schedule was set, catches up a missed one', () => {
    const now = new Date('2026-03-10T09:00:00Z');
    expect(isDue({ ...base, enabled: false }, now, 'Europe/Paris', null)).to.equal(false);
    expect(isDue(base, now, 'Europe/Paris', null)).to.equal(true);
    expect(isDue(base, now, 'Europe/Paris', new Date('2026-03-10T01:31:00Z'))).to.equal(false);
    expect(isDue(base, now, 'Europe/Paris', new Date('2026-03-08T01:31:00Z')), 'yesterday’s missed slot is caught up').to.equal(true);
    expect(isDue({ ...base, updatedAt: '2026-03-10T08:00:00Z' }, now, 'Europe/Paris', null), 'set after today’s slot').to.equal(false);
  });

  it('on the night clocks go forward, the day still has one slot', () => {
    // 2026-03-29 in Paris: 02:00 becomes 03:00, so 02:30 does not exist that night.
    const slot = latestSlot(base, new Date('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect(slot.toISOString().slice(0, 10)).to.equal('2026-03-29');
    expect(isDue(base, new Date('2026-03-29T12:00:00Z'), 'Europe/Paris', new Date('2026-03-28T01:31:00Z'))).to.equal(true);
    expect(isDue(base, new Date('2026-03-29T12:00:00Z'), 'Europe/Paris', slot)).to.equal(false);
  });
});
