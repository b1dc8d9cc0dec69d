import type { RulePack } from '../types';

/**
 * United Kingdom, Ofcom's statement of policy on persistent misuse (2016 revision): at most 3 %
 * abandoned calls per campaign per 24 hours, ring at least 15 seconds, and after an abandoned
 * call no repeat within 72 hours unless a live agent is guaranteed. No statutory calling hours.
 */
export const UK_OFCOM: RulePack = {
  id: 'UK',
  version: '2016-10-01',
  effectiveFrom: '2016-10-01',
  country: 'GB',
  description: 'United Kingdom, Ofcom persistent misuse statement',
  fallbackTimeZones: ['Europe/London'],
  rules: [
    { id: 'uk.tps', kind: 'do-not-call', params: { lists: ['TPS', 'CTPS', 'owner opposition list'] } },
    { id: 'uk.ofcom.abandoned-repeat-72h', kind: 'abandoned-call-repeat', params: { hours: 72 } },
  ],
  dialing: {
    maxAbandonRate: 0.03,
    abandonWindowSeconds: 24 * 3600,
    abandonGraceSeconds: 2,
    minRingSeconds: 15,
    basis: 'Ofcom: 3 % per campaign per 24 h, 2 s after greeting, ring ≥ 15 s',
  },
};
