import { AgentDrivenPolicy, FixedRatioPolicy } from './basic-policies';
import { PredictivePolicy, type PredictiveSettings } from './predictive';
import type { PacingPolicy } from './types';

/** The campaign dial modes of the seed product, and the `preview` mode it lists among its features. */
export type DialMode = 'MANUEL' | 'PREVIEW' | 'TURBO' | 'AUTOMATIQUE1' | 'AUTOMATIQUE2' | 'AUTOMATIQUE3' | 'RECEPTION';

/**
 * Share of the regulatory abandon ceiling each predictive level aims at, at full speed.
 * The remainder is the safety margin against bad luck within the window.
 */
export const PREDICTIVE_LEVEL_AIM: Readonly<Record<'AUTOMATIQUE1' | 'AUTOMATIQUE2' | 'AUTOMATIQUE3', number>> = {
  AUTOMATIQUE1: 0.5,
  AUTOMATIQUE2: 0.7,
  AUTOMATIQUE3: 0.9,
};

export interface DialModeChoice {
  readonly mode: DialMode;
  /** The seed's "Vitesse" slider, 0 (slow) to 10 (fast). */
  readonly speed: number;
  /** The ceiling from the campaign's rule pack (e.g. 0.03). */
  readonly abandonCeiling: number;
  readonly windowSeconds: number;
}

/**
 * Predictive settings for AUTOMATIQUE1/2/3: the aim is ceiling × level share × speed factor, with
 * the speed factor running linearly from 0.4 (speed 0) to 1 (speed 10); the margin is the rest of
 * the ceiling. Slower speeds also earn risk more slowly from a good record (budget gain).
 */
export function predictiveSettingsFor(choice: DialModeChoice): Partial<PredictiveSettings> {
  if (!(choice.mode in PREDICTIVE_LEVEL_AIM)) throw new Error(`${choice.mode} is not a predictive mode`);
  const speed = Math.min(10, Math.max(0, choice.speed));
  const speedFactor = 0.4 + 0.06 * speed;
  const aim = choice.abandonCeiling * PREDICTIVE_LEVEL_AIM[choice.mode as keyof typeof PREDICTIVE_LEVEL_AIM] * speedFactor;
  return {
    abandonTarget: choice.abandonCeiling,
    margin: choice.abandonCeiling - aim,
    windowSeconds: choice.windowSeconds,
    budgetGain: 0.15 + 0.02 * speed,
  };
}

/**
 * MANUEL and PREVIEW: agent-driven, no automatic call. RECEPTION: inbound only, no outbound call.
 * TURBO: progressive (one call per ready agent, presented at once; never abandons, so speed does
 * not apply). AUTOMATIQUE1/2/3: predictive, see predictiveSettingsFor.
 */
export function pacingPolicyFor(choice: DialModeChoice): PacingPolicy {
  switch (choice.mode) {
    case 'MANUEL':
      return new AgentDrivenPolicy('manual');
    case 'PREVIEW':
      return new AgentDrivenPolicy('preview');
    case 'RECEPTION':
      return new AgentDrivenPolicy('inbound');
    case 'TURBO':
      return new FixedRatioPolicy(1);
    case 'AUTOMATIQUE1':
    case 'AUTOMATIQUE2':
    case 'AUTOMATIQUE3':
      return new PredictivePolicy(predictiveSettingsFor(choice));
  }
}
