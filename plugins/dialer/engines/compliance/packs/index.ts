import type { RulePack } from '../types';
import { FR_2023, FR_2026 } from './fr';
import { FR_LEGACY_CUSTOM } from './fr-legacy-custom';
import { UK_OFCOM } from './uk';
import { US_TSR } from './us';

export { FR_2023, FR_2026, FR_LEGACY_CUSTOM, UK_OFCOM, US_TSR };

/** Every version of every bundled pack; custom packs are added the same way. */
export const BUNDLED_PACKS: readonly RulePack[] = [FR_2023, FR_2026, UK_OFCOM, US_TSR, FR_LEGACY_CUSTOM];

/** The version of pack `id` in force at `at` (the latest whose effectiveFrom has passed). */
export function packInForce(id: string, at: Date, packs: readonly RulePack[] = BUNDLED_PACKS): RulePack {
  const day = at.toISOString().slice(0, 10);
  const candidates = packs
    .filter((p) => p.id === id && p.effectiveFrom <= day)
    .sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1));
  if (candidates.length === 0) throw new Error(`no rule pack ${id} in force on ${day}`);
  return candidates[0];
}
