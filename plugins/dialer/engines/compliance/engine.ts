import { frenchAreaForPostalCode } from './french-locations';
import { nextOpenInstant } from './rules/calling-hours';
import { abandonedRepeatLapsesAt, attemptLimitReopensAt, hasConsent, refusalLapsesAt } from './rules/history-rules';
import type {
  ComplianceCampaign,
  ComplianceContact,
  ComplianceDecision,
  RuleDefinition,
  RulePack,
  RuleVerdict,
} from './types';

interface ContactLocation {
  readonly timeZones: readonly string[];
  readonly holidayRegion: string | undefined;
}

export function locateContact(contact: ComplianceContact, pack: RulePack): ContactLocation {
  const area = contact.country === 'FR' && contact.postalCode ? frenchAreaForPostalCode(contact.postalCode) : undefined;
  const zone = contact.timeZone ?? area?.timeZone;
  return { timeZones: zone ? [zone] : pack.fallbackTimeZones, holidayRegion: area?.holidayRegion };
}

/** When every zone's schedule is open at once, starting from `from` (null: never). */
function nextCommonOpening(from: Date, rule: Extract<RuleDefinition, { kind: 'calling-hours' }>, where: ContactLocation): Date | null {
  let candidate = from;
  for (let round = 0; round < 64; round++) {
    let latest = candidate;
    for (const zone of where.timeZones) {
      const open = nextOpenInstant(candidate, zone, rule.params, where.holidayRegion);
      if (open === null) return null;
      if (open > latest) latest = open;
    }
    if (latest.getTime() === candidate.getTime()) return candidate;
    candidate = latest;
  }
  return null;
}

function verdict(rule: RuleDefinition, allowed: boolean, nextAllowedAt: Date | null, reason: string): RuleVerdict {
  return { ruleId: rule.id, kind: rule.kind, params: rule.params, allowed, nextAllowedAt, reason };
}

function evaluateRule(
  rule: RuleDefinition,
  at: Date,
  contact: ComplianceContact,
  campaign: ComplianceCampaign,
  where: ContactLocation,
): RuleVerdict {
  switch (rule.kind) {
    case 'do-not-call':
      return contact.doNotCall
        ? verdict(rule, false, null, 'number is on a do-not-call list')
        : verdict(rule, true, at, 'not on a do-not-call list');
    case 'consent-required': {
      if (!rule.params.audiences.includes(campaign.audience)) return verdict(rule, true, at, `${campaign.audience} campaign: consent not required`);
      if (hasConsent(at, contact)) return verdict(rule, true, at, 'prior consent recorded');
      if (rule.params.exemptExistingContract && contact.existingContract) return verdict(rule, true, at, 'call within an existing contract');
      return verdict(rule, false, null, 'no prior consent recorded for consumer telemarketing');
    }
    case 'refusal-cooldown': {
      const lapses = refusalLapsesAt(at, contact, campaign, rule.params.days);
      if (lapses === null) return verdict(rule, true, at, 'no refusal in force');
      return lapses === 'never'
        ? verdict(rule, false, null, 'consumer refused calls from this professional')
        : verdict(rule, false, lapses, `consumer refused less than ${rule.params.days} days ago`);
    }
    case 'attempt-limit': {
      const { max, windowDays, scope } = rule.params;
      const reopens = attemptLimitReopensAt(at, contact, campaign, max, windowDays, scope);
      if (reopens === null) return verdict(rule, true, at, 'under the attempt limit');
      const span = windowDays === null ? 'in total' : `in ${windowDays} rolling days`;
      return verdict(rule, false, reopens === 'never' ? null : reopens, `${max} calls or attempts ${span} already made`);
    }
    case 'calling-hours': {
      const open = nextCommonOpening(at, rule, where);
      if (open !== null && open.getTime() === at.getTime()) return verdict(rule, true, at, `within calling hours (${where.timeZones.join(', ')})`);
      return verdict(rule, false, open, `outside calling hours or on a public holiday (${where.timeZones.join(', ')})`);
    }
    case 'abandoned-call-repeat': {
      const lapses = abandonedRepeatLapsesAt(at, contact, campaign, rule.params.hours);
      return lapses === null
        ? verdict(rule, true, at, 'no recent abandoned call, or an agent is guaranteed')
        : verdict(rule, false, lapses, `abandoned call less than ${rule.params.hours} h ago and no agent guaranteed`);
    }
  }
}

/**
 * Whether `contact` may be called for `campaign` at `at` under `pack`, and if not, the earliest
 * time every rule allows it. Rules are evaluated in pack order; the first that blocks is the
 * deciding one, so packs list do-not-call first to make it win.
 */
export function decideCall(contact: ComplianceContact, campaign: ComplianceCampaign, at: Date, pack: RulePack): ComplianceDecision {
  const where = locateContact(contact, pack);
  const evaluateAll = (t: Date) => pack.rules.map((rule) => evaluateRule(rule, t, contact, campaign, where));
  const blockingNow = evaluateAll(at).filter((v) => !v.allowed);
  const base = { checkedAt: at, pack: { id: pack.id, version: pack.version }, timeZones: where.timeZones };
  if (blockingNow.length === 0) {
    return { ...base, allowed: true, nextAllowedAt: at, decidingRule: null, blockingRules: [] };
  }
  return { ...base, allowed: false, nextAllowedAt: earliestAllowed(at, blockingNow, evaluateAll), decidingRule: blockingNow[0], blockingRules: blockingNow };
}

/** Rules interact (an attempt window may reopen on a Sunday), so hop to the latest reopening until all agree. */
function earliestAllowed(at: Date, blockingNow: readonly RuleVerdict[], evaluateAll: (t: Date) => RuleVerdict[]): Date | null {
  let blocking = blockingNow;
  let candidate = at;
  for (let round = 0; round < 64; round++) {
    if (blocking.length === 0) return candidate;
    if (blocking.some((v) => v.nextAllowedAt === null)) return null;
    const next = Math.max(...blocking.map((v) => v.nextAllowedAt!.getTime()));
    candidate = new Date(Math.max(next, candidate.getTime() + 1));
    blocking = evaluateAll(candidate).filter((v) => !v.allowed);
  }
  return null;
}
