import type { ComplianceCampaign, ComplianceContact } from '../types';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Calls allowed per rolling window. Returns null when the call is allowed now, otherwise the
 * instant the oldest counted attempt leaves the window (or Infinity for a lifetime limit).
 */
export function attemptLimitReopensAt(
  now: Date,
  contact: ComplianceContact,
  campaign: ComplianceCampaign,
  max: number,
  windowDays: number | null,
  scope: 'owner' | 'campaign',
): Date | null | 'never' {
  const windowStart = windowDays === null ? Number.NEGATIVE_INFINITY : now.getTime() - windowDays * DAY_MS;
  const counted = (contact.attempts ?? [])
    .filter((a) => (scope === 'owner' ? a.ownerId === campaign.ownerId : a.campaignId === campaign.id))
    .map((a) => a.at.getTime())
    .filter((t) => t > windowStart && t <= now.getTime())
    .sort((a, b) => a - b);
  if (counted.length < max) return null;
  if (windowDays === null) return 'never';
  // The window must shed enough attempts to leave room for one more: the (k − max + 1)-th oldest.
  return new Date(counted[counted.length - max] + windowDays * DAY_MS);
}

/** The owner's latest refusal still in force, as the instant it lapses ('never' when final). */
export function refusalLapsesAt(
  now: Date,
  contact: ComplianceContact,
  campaign: ComplianceCampaign,
  days: number | null,
): Date | null | 'never' {
  const refusals = (contact.refusals ?? []).filter((r) => r.ownerId === campaign.ownerId && r.at <= now);
  if (refusals.length === 0) return null;
  if (days === null) return 'never';
  const latest = Math.max(...refusals.map((r) => r.at.getTime()));
  const lapses = latest + days * DAY_MS;
  return lapses > now.getTime() ? new Date(lapses) : null;
}

/** Ofcom: after an abandoned call, no repeat within the period unless an agent is guaranteed. */
export function abandonedRepeatLapsesAt(
  now: Date,
  contact: ComplianceContact,
  campaign: ComplianceCampaign,
  hours: number,
): Date | null {
  if (campaign.guaranteesAgent) return null;
  const abandoned = (contact.attempts ?? []).filter((a) => a.outcome === 'abandoned' && a.at <= now);
  if (abandoned.length === 0) return null;
  const lapses = Math.max(...abandoned.map((a) => a.at.getTime())) + hours * 3600 * 1000;
  return lapses > now.getTime() ? new Date(lapses) : null;
}

export function hasConsent(now: Date, contact: ComplianceContact): boolean {
  const consent = contact.consent;
  if (!consent || consent.givenAt > now) return false;
  return !consent.withdrawnAt || consent.withdrawnAt > now;
}
