import type { RulePack, TimeRange } from '../types';

const WEEKDAY: readonly TimeRange[] = [['08:00', '20:00']];

/**
 * The older French practice the seed documents, kept as a custom pack: weekdays 8:00–20:00,
 * Saturday 10:00–18:00, never on Sundays or public holidays, 4 attempts per contact in total,
 * Bloctel and "do not call me again" requests honoured for good.
 */
export const FR_LEGACY_CUSTOM: RulePack = {
  id: 'FR-legacy-custom',
  version: '1',
  effectiveFrom: '2000-01-01',
  country: 'FR',
  description: 'Custom: pre-2023 French hours (8–20 weekdays, 10–18 Saturday)',
  fallbackTimeZones: ['Europe/Paris'],
  rules: [
    { id: 'custom.do-not-call', kind: 'do-not-call', params: { lists: ['Bloctel', 'owner opposition list'] } },
    { id: 'custom.no-recall-after-refusal', kind: 'refusal-cooldown', params: { days: null, scope: 'owner' } },
    { id: 'custom.four-attempts', kind: 'attempt-limit', params: { max: 4, windowDays: null, scope: 'campaign' } },
    {
      id: 'custom.hours',
      kind: 'calling-hours',
      params: {
        weekly: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY, sat: [['10:00', '18:00']] },
        holidays: { country: 'FR', types: ['public'] },
      },
    },
  ],
  dialing: {
    maxAbandonRate: 0.03,
    abandonWindowSeconds: 24 * 3600,
    abandonGraceSeconds: 2,
    minRingSeconds: 15,
    basis: 'house practice',
  },
};
