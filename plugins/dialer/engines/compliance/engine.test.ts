import assert from 'node:assert/strict';
import { decideCall } from './engine';
import { BUNDLED_PACKS, FR_LEGACY_CUSTOM, packInForce, UK_OFCOM, US_TSR } from './packs';
import type { ComplianceCampaign, ComplianceContact, RulePack } from './types';

const consumerCampaign: ComplianceCampaign = { id: 'winter-offer', ownerId: 'acme', audience: 'consumer' };
const consented = { givenAt: new Date('2026-01-10T10:00:00Z') };
const parisian: ComplianceContact = { phoneNumber: '+33143000000', country: 'FR', postalCode: '75011', consent: consented };

const z = (iso: string) => new Date(iso);
const attemptsBy = (ownerId: string, ...isoDates: string[]) => isoDates.map((d) => ({ at: z(d), ownerId, campaignId: 'winter-offer' }));

interface Case {
  readonly name: string;
  readonly at: string;
  readonly contact?: Partial<ComplianceContact>;
  readonly campaign?: Partial<ComplianceCampaign>;
  /** Defaults to the French pack in force at `at`. */
  readonly pack?: RulePack;
  readonly allowed: boolean;
  readonly next?: string | null;
  readonly rule?: string;
}

const cases: readonly Case[] = [
  // Hours in the consumer's zone, Monday–Friday 10–13 and 14–20.
  { name: 'Monday 10:30 in Paris (CET)', at: '2026-11-23T09:30:00Z', allowed: true },
  { name: 'Monday lunch break', at: '2026-11-23T12:30:00Z', allowed: false, next: '2026-11-23T13:00:00Z', rule: 'fr.d223-9.hours' },
  { name: 'Monday 09:59:59 Paris', at: '2026-11-23T08:59:59Z', allowed: false, next: '2026-11-23T09:00:00Z', rule: 'fr.d223-9.hours' },
  { name: 'Friday 20:00 sharp is closed', at: '2026-11-27T19:00:00Z', allowed: false, next: '2026-11-30T09:00:00Z', rule: 'fr.d223-9.hours' },
  { name: 'Saturday (today) waits for Monday', at: '2026-11-21T11:00:00Z', allowed: false, next: '2026-11-23T09:00:00Z', rule: 'fr.d223-9.hours' },
  // Daylight-saving changes move the legal window in UTC.
  { name: 'Friday night before spring DST → Monday 10:00 CEST', at: '2026-03-27T19:30:00Z', allowed: false, next: '2026-03-30T08:00:00Z', rule: 'fr.d223-9.hours' },
  { name: 'Friday night before autumn DST → Monday 10:00 CET', at: '2026-10-23T19:00:00Z', allowed: false, next: '2026-10-26T09:00:00Z', rule: 'fr.d223-9.hours' },
  { name: '19:30 CEST in summer is open', at: '2026-09-15T17:30:00Z', allowed: true },
  { name: '19:30 UTC in summer is 21:30 CEST, closed', at: '2026-09-15T19:30:00Z', allowed: false, next: '2026-09-16T08:00:00Z', rule: 'fr.d223-9.hours' },
  // Public holidays, national and regional.
  { name: 'Armistice day (11 November)', at: '2026-11-11T10:00:00Z', allowed: false, next: '2026-11-12T09:00:00Z', rule: 'fr.d223-9.hours' },
  { name: 'Good Friday is a working day in Paris', at: '2026-04-03T10:00:00Z', allowed: true },
  {
    name: 'Good Friday in Strasbourg (67), then Easter Monday → Tuesday',
    at: '2026-04-03T10:00:00Z',
    contact: { postalCode: '67000' },
    allowed: false,
    next: '2026-04-07T08:00:00Z',
    rule: 'fr.d223-9.hours',
  },
  {
    name: 'St Stephen (26 Dec) falls on Saturday in 2026; Metz on 28 Dec is open',
    at: '2026-12-28T09:30:00Z',
    contact: { postalCode: '57000' },
    allowed: true,
  },
  // Overseas departments: the consumer's own zone.
  { name: 'Réunion 10:30 local while Paris is 07:30', at: '2026-11-23T06:30:00Z', contact: { postalCode: '97400' }, allowed: true },
  {
    name: 'Martinique 09:30 local',
    at: '2026-11-23T13:30:00Z',
    contact: { postalCode: '97200' },
    allowed: false,
    next: '2026-11-23T14:00:00Z',
    rule: 'fr.d223-9.hours',
  },
  {
    name: 'Martinique abolition day (22 May), then Whit Monday → Tuesday',
    at: '2026-05-22T15:00:00Z',
    contact: { postalCode: '97200' },
    allowed: false,
    next: '2026-05-26T14:00:00Z',
    rule: 'fr.d223-9.hours',
  },
  {
    name: 'an explicit zone wins over the postal code',
    at: '2026-11-23T06:30:00Z',
    contact: { postalCode: '75011', timeZone: 'Indian/Reunion' },
    allowed: true,
  },
  // Four calls or attempts per 30 rolling days, per consumer and owner.
  {
    name: 'fifth attempt within 30 days waits for the oldest to expire',
    at: '2026-11-23T09:30:00Z',
    contact: { attempts: attemptsBy('acme', '2026-11-02T10:00:00Z', '2026-11-09T10:00:00Z', '2026-11-16T10:00:00Z', '2026-11-20T10:00:00Z') },
    allowed: false,
    next: '2026-12-02T10:00:00Z',
    rule: 'fr.d223-9.four-attempts-30-days',
  },
  {
    name: 'another owner’s attempts do not count',
    at: '2026-11-23T09:30:00Z',
    contact: { attempts: attemptsBy('rival', '2026-11-02T10:00:00Z', '2026-11-09T10:00:00Z', '2026-11-16T10:00:00Z', '2026-11-20T10:00:00Z') },
    allowed: true,
  },
  {
    name: 'attempts older than 30 days do not count',
    at: '2026-11-23T09:30:00Z',
    contact: { attempts: attemptsBy('acme', '2026-10-01T10:00:00Z', '2026-10-05T10:00:00Z', '2026-10-20T10:00:00Z', '2026-11-20T10:00:00Z') },
    allowed: true,
  },
  {
    name: 'the window reopens on a Saturday: the call waits for Monday 10:00',
    at: '2026-11-24T10:00:00Z',
    contact: { attempts: attemptsBy('acme', '2026-10-29T10:00:00Z', '2026-11-05T10:00:00Z', '2026-11-12T10:00:00Z', '2026-11-19T10:00:00Z') },
    allowed: false,
    next: '2026-11-30T09:00:00Z',
    rule: 'fr.d223-9.four-attempts-30-days',
  },
  // Refusal: 60 days.
  {
    name: 'refused 20 days ago',
    at: '2026-11-23T09:30:00Z',
    contact: { refusals: [{ at: z('2026-11-03T10:00:00Z'), ownerId: 'acme' }] },
    allowed: false,
    next: '2027-01-04T09:00:00Z',
    rule: 'fr.d223-9.refusal-60-days',
  },
  {
    name: 'refused 61 days ago',
    at: '2026-11-23T09:30:00Z',
    contact: { refusals: [{ at: z('2026-09-23T09:00:00Z'), ownerId: 'acme' }] },
    allowed: true,
  },
  // Prior consent since 11 August 2026 (loi 2025-594).
  {
    name: 'consumer without consent after August 2026: never',
    at: '2026-11-23T09:30:00Z',
    contact: { consent: undefined },
    allowed: false,
    next: null,
    rule: 'fr.l223-1.prior-consent',
  },
  {
    name: 'consent withdrawn',
    at: '2026-11-23T09:30:00Z',
    contact: { consent: { givenAt: z('2026-01-10T10:00:00Z'), withdrawnAt: z('2026-11-01T00:00:00Z') } },
    allowed: false,
    next: null,
    rule: 'fr.l223-1.prior-consent',
  },
  { name: 'business campaign needs no consent', at: '2026-11-23T09:30:00Z', contact: { consent: undefined }, campaign: { audience: 'business' }, allowed: true },
  { name: 'existing contract needs no consent', at: '2026-11-23T09:30:00Z', contact: { consent: undefined, existingContract: true }, allowed: true },
  { name: 'before 11 August 2026 the 2023 pack applies', at: '2026-07-06T08:30:00Z', contact: { consent: undefined }, allowed: true },
  // Do-not-call always wins, even over hours.
  { name: 'Bloctel at a legal hour', at: '2026-11-23T09:30:00Z', contact: { doNotCall: true }, allowed: false, next: null, rule: 'fr.do-not-call' },
  { name: 'Bloctel on a Sunday', at: '2026-11-22T09:30:00Z', contact: { doNotCall: true }, allowed: false, next: null, rule: 'fr.do-not-call' },
  // The seed's older hours as a custom pack.
  { name: 'legacy: Saturday 10:30', at: '2026-11-21T09:30:00Z', pack: FR_LEGACY_CUSTOM, allowed: true },
  { name: 'legacy: Saturday 18:30 → Monday 08:00', at: '2026-11-21T17:30:00Z', pack: FR_LEGACY_CUSTOM, allowed: false, next: '2026-11-23T07:00:00Z', rule: 'custom.hours' },
  { name: 'legacy: Monday 08:30 (closed under D223-9)', at: '2026-11-23T07:30:00Z', pack: FR_LEGACY_CUSTOM, allowed: true },
  {
    name: 'legacy: a refusal is final',
    at: '2026-11-23T09:30:00Z',
    pack: FR_LEGACY_CUSTOM,
    contact: { refusals: [{ at: z('2025-01-10T10:00:00Z'), ownerId: 'acme' }] },
    allowed: false,
    next: null,
    rule: 'custom.no-recall-after-refusal',
  },
  {
    name: 'legacy: four attempts in total for the campaign',
    at: '2026-11-23T09:30:00Z',
    pack: FR_LEGACY_CUSTOM,
    contact: { attempts: attemptsBy('acme', '2025-01-02T10:00:00Z', '2025-06-09T10:00:00Z', '2026-01-16T10:00:00Z', '2026-05-20T10:00:00Z') },
    allowed: false,
    next: null,
    rule: 'custom.four-attempts',
  },
  // US TSR: 8:00–21:00 at the called person's location.
  { name: 'US: Saturday 08:30 EDT', at: '2026-10-31T12:30:00Z', pack: US_TSR, contact: { country: 'US', timeZone: 'America/New_York', postalCode: undefined }, allowed: true },
  {
    name: 'US: same UTC time after DST ends is 07:30 EST',
    at: '2026-11-01T12:30:00Z',
    pack: US_TSR,
    contact: { country: 'US', timeZone: 'America/New_York', postalCode: undefined },
    allowed: false,
    next: '2026-11-01T13:00:00Z',
    rule: 'us.tsr.310-4-c.hours',
  },
  {
    name: 'US: unknown zone must suit every zone (Honolulu opens last)',
    at: '2026-11-23T13:30:00Z',
    pack: US_TSR,
    contact: { country: 'US', postalCode: undefined },
    allowed: false,
    next: '2026-11-23T18:00:00Z',
    rule: 'us.tsr.310-4-c.hours',
  },
  // UK: Ofcom 72-hour rule after an abandoned call.
  {
    name: 'UK: abandoned yesterday',
    at: '2026-11-21T10:00:00Z',
    pack: UK_OFCOM,
    contact: { country: 'GB', postalCode: undefined, attempts: [{ at: z('2026-11-20T10:00:00Z'), ownerId: 'acme', outcome: 'abandoned' }] },
    allowed: false,
    next: '2026-11-23T10:00:00Z',
    rule: 'uk.ofcom.abandoned-repeat-72h',
  },
  {
    name: 'UK: abandoned yesterday but an agent is guaranteed',
    at: '2026-11-21T10:00:00Z',
    pack: UK_OFCOM,
    campaign: { guaranteesAgent: true },
    contact: { country: 'GB', postalCode: undefined, attempts: [{ at: z('2026-11-20T10:00:00Z'), ownerId: 'acme', outcome: 'abandoned' }] },
    allowed: true,
  },
];

describe('compliance engine: rule packs', () => {
  for (const c of cases) {
    it(c.name, () => {
      const at = z(c.at);
      const pack = c.pack ?? packInForce('FR', at);
      const decision = decideCall({ ...parisian, ...c.contact }, { ...consumerCampaign, ...c.campaign }, at, pack);
      assert.equal(decision.allowed, c.allowed, JSON.stringify(decision.blockingRules));
      if (c.allowed) {
        assert.equal(decision.decidingRule, null);
        assert.equal(decision.nextAllowedAt?.toISOString(), at.toISOString());
      } else {
        assert.equal(decision.decidingRule?.ruleId, c.rule);
        assert.equal(decision.nextAllowedAt === null ? null : decision.nextAllowedAt.toISOString(), c.next === null ? null : z(c.next!).toISOString());
      }
    });
  }

  it('explains a decision with the rule id, its parameters and the pack version', () => {
    const at = z('2026-11-23T12:30:00Z');
    const decision = decideCall(parisian, consumerCampaign, at, packInForce('FR', at));
    assert.deepEqual(decision.pack, { id: 'FR', version: '2026-08-11' });
    assert.equal(decision.decidingRule?.kind, 'calling-hours');
    assert.deepEqual((decision.decidingRule?.params as { weekly: { mon: unknown } }).weekly.mon, [
      ['10:00', '13:00'],
      ['14:00', '20:00'],
    ]);
    assert.deepEqual(decision.timeZones, ['Europe/Paris']);
  });

  it('lists every blocking rule, do-not-call first', () => {
    const at = z('2026-11-22T09:30:00Z');
    const decision = decideCall({ ...parisian, doNotCall: true, consent: undefined }, consumerCampaign, at, packInForce('FR', at));
    assert.deepEqual(
      decision.blockingRules.map((v) => v.ruleId),
      ['fr.do-not-call', 'fr.l223-1.prior-consent', 'fr.d223-9.hours'],
    );
  });

  it('selects the pack version in force on the day', () => {
    assert.equal(packInForce('FR', z('2026-08-10T23:00:00Z')).version, '2023-03-01');
    assert.equal(packInForce('FR', z('2026-08-11T00:00:00Z')).version, '2026-08-11');
    assert.throws(() => packInForce('FR', z('2022-12-01T00:00:00Z')), /no rule pack FR/);
    assert.equal(new Set(BUNDLED_PACKS.map((p) => `${p.id}@${p.version}`)).size, BUNDLED_PACKS.length);
  });
});
