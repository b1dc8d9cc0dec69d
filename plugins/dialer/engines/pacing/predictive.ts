import { AbandonLedger, ABANDON_GRACE_SECONDS, OFCOM_WINDOW_SECONDS } from '../stats/abandon-accounting';
import { PoissonBinomial } from '../stats/poisson-binomial';
import { CallModel } from './call-model';
import { countSnapshot, type PacingObservation, type PacingPolicy, type PacingSnapshot } from './types';

export interface PredictiveSettings {
  /** Regulatory ceiling on abandoned / live answers (0.03 for Ofcom and the TSR). */
  readonly abandonTarget: number;
  /** Safety margin: the pacer aims at abandonTarget − margin. */
  readonly margin: number;
  /** Regulatory window the rate is measured over (24 h Ofcom, 30 days TSR). */
  readonly windowSeconds: number;
  readonly graceSeconds: number;
  /** How far ahead the forecast looks (extended to the slowest live answer observed). */
  readonly horizonSeconds: number;
  /** Resolution of the forecast. */
  readonly stepSeconds: number;
  /** Evidence needed before predicting; until then one call per ready agent. */
  readonly warmupAttempts: number;
  readonly warmupTalks: number;
  /** How strongly the abandon budget (aim × answers − abandons) moves the risk threshold. */
  readonly budgetGain: number;
  /** Bounds of the marginal abandon risk accepted for one more call. */
  readonly minRisk: number;
  readonly maxRisk: number;
  /** Abandons held back at the start of a window, so a fresh campaign opens cautiously. */
  readonly openingReserve: number;
}

export const PREDICTIVE_DEFAULTS: PredictiveSettings = {
  abandonTarget: 0.03,
  margin: 0.003,
  windowSeconds: OFCOM_WINDOW_SECONDS,
  graceSeconds: ABANDON_GRACE_SECONDS,
  horizonSeconds: 25,
  stepSeconds: 0.5,
  warmupAttempts: 40,
  warmupTalks: 5,
  budgetGain: 0.35,
  minRisk: 0.002,
  maxRisk: 0.6,
  openingReserve: 3,
};

/**
 * Predictive pacing. At every tick, for each slice of the next seconds, it forecasts how many live
 * people will be ready for an agent (calls in flight, each weighted by the probability the learnt
 * distributions give it) and how many agents will be free by then plus the grace period. Both
 * are sums of independent Bernoulli terms, so their distributions are computed exactly
 * (Poisson-binomial). A new call, if it turns out live in a slice, is abandoned when the people
 * ready by then, itself included, outnumber those agents (first come, first served); averaging
 * over when it would answer gives its abandon risk. The pacer places calls while the next one's
 * risk stays under `risk`.
 *
 * `risk` is steered by the abandon budget over the regulatory window: risk = aim · e^(gain·B) with
 * B = aim × live answers − abandons − opening reserve. A fresh campaign has a negative budget and
 * starts cautious; every answer connected in time earns a little, every abandon costs a lot, so
 * the window's rate is held under the target from the first hour instead of being caught up later.
 */
export class PredictivePolicy implements PacingPolicy {
  readonly name = 'predictive';
  readonly settings: PredictiveSettings;
  private readonly model = new CallModel();
  private readonly ledger: AbandonLedger;
  private lastRisk = 0;
  private liveAnswers = 0;
  private misclassified = 0;

  constructor(settings: Partial<PredictiveSettings> = {}) {
    this.settings = { ...PREDICTIVE_DEFAULTS, ...settings };
    this.ledger = new AbandonLedger(this.settings.windowSeconds);
  }

  get aim(): number {
    return Math.max(0, this.settings.abandonTarget - this.settings.margin);
  }

  /** Marginal risk used at the last decision (for monitoring). */
  get currentRisk(): number {
    return this.lastRisk;
  }

  get learnt(): CallModel {
    return this.model;
  }

  observe(observation: PacingObservation): void {
    this.model.observe(observation);
    if (observation.kind === 'live-answer') {
      this.ledger.record(observation.at, observation.abandoned);
      this.liveAnswers++;
      if (observation.classifiedAsMachine) this.misclassified++;
    }
  }

  callsToPlace(snapshot: PacingSnapshot): number {
    const counts = countSnapshot(snapshot);
    const active = counts.ready + counts.talking + counts.wrapUp;
    if (active === 0 || snapshot.linesAvailable <= 0) return 0;
    if (!this.model.isWarm(this.settings.warmupAttempts, this.settings.warmupTalks)) {
      const inFlight = counts.ringing + counts.screening + counts.waiting;
      return Math.max(0, Math.min(counts.ready - inFlight, snapshot.linesAvailable));
    }
    const risk = this.risk(snapshot.now);
    this.lastRisk = risk;
    return this.largestAcceptableBatch(snapshot, risk);
  }

  /**
   * Detection false positives are abandons no pacing avoids: the pacer's own share of the aim is
   * what they leave (estimated from a zero prior worth 50 answers).
   */
  private get pacingAim(): number {
    const misclassifiedShare = this.misclassified / (this.liveAnswers + 50);
    return Math.max(this.aim * 0.1, this.aim - misclassifiedShare);
  }

  private risk(now: number): number {
    const { liveAnswers, abandoned } = this.ledger.counts(now);
    const budget = this.aim * liveAnswers - abandoned - this.settings.openingReserve;
    const risk = this.pacingAim * Math.exp(this.settings.budgetGain * budget);
    return Math.min(this.settings.maxRisk, Math.max(this.settings.minRisk, risk));
  }

  private largestAcceptableBatch(snapshot: PacingSnapshot, risk: number): number {
    const { graceSeconds: grace, stepSeconds: step } = this.settings;
    // Long enough for the slowest answer seen so far, whatever the configured horizon.
    const horizon = Math.max(this.settings.horizonSeconds, this.model.longestLiveDelaySeconds + step);
    const liveShare = this.model.newCallLiveWithin(horizon);
    if (liveShare <= 0) return 0;

    // The new call turns out live in (t − step, t] with probability `weight`; it is judged against
    // the people ready by the end of that slice and the agents free by its start plus the grace
    // period, so the discretisation never hides an abandon.
    const slices: { weight: number; q: number; agents: PoissonBinomial; people: PoissonBinomial }[] = [];
    let previousQ = 0;
    for (let t = step; t <= horizon + 1e-9; t += step) {
      const q = this.model.newCallLiveWithin(t);
      const weight = q - previousQ;
      previousQ = q;
      if (weight <= 1e-6) continue;
      const agents = new PoissonBinomial();
      for (const agent of snapshot.agents) agents.add(this.model.agentFreeWithin(agent, t - step + grace));
      const people = new PoissonBinomial();
      for (const call of snapshot.calls) people.add(this.model.callLiveWithin(call, t));
      people.add(1);
      slices.push({ weight: weight / liveShare, q, agents, people });
    }

    let n = 0;
    while (n < snapshot.linesAvailable) {
      let marginal = 0;
      for (const slice of slices) marginal += slice.weight * slice.people.probabilityExceeds(slice.agents);
      if (marginal > risk) break;
      for (const slice of slices) slice.people.add(slice.q);
      n++;
    }
    return n;
  }
}
