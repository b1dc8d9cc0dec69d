/** What the pacer sees of one logged-in agent at a decision tick. */
export type AgentView =
  | { readonly state: 'ready'; readonly idleSeconds: number }
  | { readonly state: 'talking'; readonly elapsedSeconds: number }
  | { readonly state: 'wrap-up'; readonly elapsedSeconds: number }
  | { readonly state: 'paused' };

/**
 * What the pacer sees of one call placed by the dialer and not yet given to an agent.
 * `screening`: answered, answering-machine detection still listening to the greeting.
 * `waiting`: classified as a live person, waiting for an agent (abandoned after the grace period).
 */
export type CallView =
  | { readonly state: 'ringing'; readonly elapsedSeconds: number }
  | { readonly state: 'screening'; readonly elapsedSeconds: number }
  | { readonly state: 'waiting'; readonly elapsedSeconds: number };

export interface PacingSnapshot {
  /** Seconds on the campaign's clock; only differences matter. */
  readonly now: number;
  readonly agents: readonly AgentView[];
  readonly calls: readonly CallView[];
  /** Trunk channels free for new calls right now. */
  readonly linesAvailable: number;
}

export type AttemptOutcome = 'live' | 'machine' | 'failed';

/** Facts the dialer reports as calls progress; adaptive policies learn from them. */
export type PacingObservation =
  /** Ringing ended: answered (live or machine, as classified) or failed (busy, no answer…). */
  | { readonly kind: 'ring-ended'; readonly outcome: AttemptOutcome; readonly ringSeconds: number }
  /** Detection ended on an answered call: greeting length for a person, detection delay for a machine. */
  | { readonly kind: 'screening-ended'; readonly outcome: 'live' | 'machine'; readonly screeningSeconds: number }
  /**
   * A live person answered; `abandoned` per the regulatory definition (see stats/abandon-accounting).
   * `classifiedAsMachine` marks detection false positives (found by audit or estimated): abandons
   * that no pacing can avoid.
   */
  | { readonly kind: 'live-answer'; readonly at: number; readonly abandoned: boolean; readonly classifiedAsMachine?: boolean }
  | { readonly kind: 'talk-ended'; readonly talkSeconds: number }
  | { readonly kind: 'wrap-ended'; readonly wrapSeconds: number };

export interface PacingPolicy {
  readonly name: string;
  /** How many new calls to place now (never negative). */
  callsToPlace(snapshot: PacingSnapshot): number;
  observe(observation: PacingObservation): void;
}

export interface SnapshotCounts {
  ready: number;
  talking: number;
  wrapUp: number;
  paused: number;
  ringing: number;
  screening: number;
  waiting: number;
}

export function countSnapshot(snapshot: PacingSnapshot): SnapshotCounts {
  const counts: SnapshotCounts = { ready: 0, talking: 0, wrapUp: 0, paused: 0, ringing: 0, screening: 0, waiting: 0 };
  for (const agent of snapshot.agents) {
    if (agent.state === 'ready') counts.ready++;
    else if (agent.state === 'talking') counts.talking++;
    else if (agent.state === 'wrap-up') counts.wrapUp++;
    else counts.paused++;
  }
  for (const call of snapshot.calls) {
    if (call.state === 'ringing') counts.ringing++;
    else if (call.state === 'screening') counts.screening++;
    else counts.waiting++;
  }
  return counts;
}
