import type { RulePack, TimeRange } from '../types';

const EIGHT_TO_NINE: readonly TimeRange[] = [['08:00', '21:00']];

/**
 * United States, Telemarketing Sales Rule (16 CFR 310.4): no call before 8 a.m. or after 9 p.m.
 * at the called person's location, at most 3 % abandoned calls per campaign over 30 days, ring
 * at least 15 seconds or 4 rings. When the zone is unknown the call must fit every US zone.
 */
export const US_TSR: RulePack = {
  id: 'US',
  version: '2010-09-01',
  effectiveFrom: '2010-09-01',
  country: 'US',
  description: 'United States, Telemarketing Sales Rule 16 CFR 310.4',
  fallbackTimeZones: [
    'America/New_York',
    'America/Chicago',
    'America/Denver',
    'America/Phoenix',
    'America/Los_Angeles',
    'America/Anchorage',
    'Pacific/Honolulu',
  ],
  rules: [
    { id: 'us.national-dnc', kind: 'do-not-call', params: { lists: ['National Do Not Call Registry', 'entity-specific list'] } },
    {
      id: 'us.tsr.310-4-c.hours',
      kind: 'calling-hours',
      params: {
        weekly: { mon: EIGHT_TO_NINE, tue: EIGHT_TO_NINE, wed: EIGHT_TO_NINE, thu: EIGHT_TO_NINE, fri: EIGHT_TO_NINE, sat: EIGHT_TO_NINE, sun: EIGHT_TO_NINE },
        holidays: null,
      },
    },
  ],
  dialing: {
    maxAbandonRate: 0.03,
    abandonWindowSeconds: 30 * 24 * 3600,
    abandonGraceSeconds: 2,
    minRingSeconds: 15,
    basis: 'TSR 310.4(b)(4): 3 % per campaign per 30 days, 2 s after greeting, ring ≥ 15 s or 4 rings',
  },
};
