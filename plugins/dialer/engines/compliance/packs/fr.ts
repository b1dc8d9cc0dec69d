import type { RuleDefinition, RulePack } from '../types';

/**
 * France, Code de la consommation art. L223-1 ff. and D223-9 (décret 2022-1313, in force since
 * 1 March 2023): calls Monday–Friday 10:00–13:00 and 14:00–20:00 in the consumer's time zone,
 * never on public holidays (regional ones included, e.g. Alsace-Moselle), at most 4 calls or
 * attempts per 30 rolling days per consumer and professional, none for 60 days after a refusal.
 * Bloctel (and the professional's own list) always wins.
 */
const FR_WEEKDAY_HOURS = [
  ['10:00', '13:00'],
  ['14:00', '20:00'],
] as const;

const FR_2023_RULES: readonly RuleDefinition[] = [
  { id: 'fr.do-not-call', kind: 'do-not-call', params: { lists: ['Bloctel', 'owner opposition list'] } },
  { id: 'fr.d223-9.refusal-60-days', kind: 'refusal-cooldown', params: { days: 60, scope: 'owner' } },
  { id: 'fr.d223-9.four-attempts-30-days', kind: 'attempt-limit', params: { max: 4, windowDays: 30, scope: 'owner' } },
  {
    id: 'fr.d223-9.hours',
    kind: 'calling-hours',
    params: {
      weekly: { mon: FR_WEEKDAY_HOURS, tue: FR_WEEKDAY_HOURS, wed: FR_WEEKDAY_HOURS, thu: FR_WEEKDAY_HOURS, fri: FR_WEEKDAY_HOURS },
      holidays: { country: 'FR', types: ['public'] },
    },
  },
];

const FR_DIALING = {
  maxAbandonRate: 0.03,
  abandonWindowSeconds: 24 * 3600,
  abandonGraceSeconds: 2,
  minRingSeconds: 15,
  basis: 'no statutory ratio in D223-9: the Ofcom/TSR 3 % ceiling is applied as house practice',
} as const;

export const FR_2023: RulePack = {
  id: 'FR',
  version: '2023-03-01',
  effectiveFrom: '2023-03-01',
  country: 'FR',
  description: 'France, décret 2022-1313 (art. D223-9 Code de la consommation)',
  fallbackTimeZones: ['Europe/Paris'],
  rules: FR_2023_RULES,
  dialing: FR_DIALING,
};

/**
 * Law 2025-594 of 30 June 2025 (art. L223-1 as amended) turns consumer telemarketing to opt-in
 * from 11 August 2026: a consumer without recorded prior consent is not called, unless the call
 * concerns a contract in force. Calls to businesses stay outside (a campaign setting).
 */
export const FR_2026: RulePack = {
  ...FR_2023,
  version: '2026-08-11',
  effectiveFrom: '2026-08-11',
  description: 'France, D223-9 plus prior consent for consumer telemarketing (loi 2025-594)',
  rules: [
    FR_2023_RULES[0],
    {
      id: 'fr.l223-1.prior-consent',
      kind: 'consent-required',
      params: { audiences: ['consumer'], exemptExistingContract: true, legalBasis: 'loi 2025-594 du 30 juin 2025' },
    },
    ...FR_2023_RULES.slice(1),
  ],
};
