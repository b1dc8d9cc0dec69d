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
  /** How far ahead the forecast of agents and answers looks. */
  readonly horizonSeconds: number;
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
  warmupAttempts: 40,
  warmupTalks: 5,
  budgetGain: 0.35,
  minRisk: 0.002,
  maxRisk: 0.6,
  openingReserve: 3,
};

/**
 * Predictive pacing. At every tick it forecasts, for each second s of the horizon, how many live
 * people will be waiting for an agent (calls in flight, plus n new calls) and how many agents will
 * be free by s + grace, from the distributions it has learnt (CallModel). With D(s) the shortfall,
 * E[max_s D(s)⁺] (normal approximation of the sums of Bernoulli terms) estimates the abandons the
 * calls would cause. It places the largest n whose last call adds at most `risk` expected abandons
 * per expected live answer.
 *
 * `risk` is steered by the abandon budget over the regulatory window: risk = aim · e^(gain·B) with
 * B = aim × live answers − abandons. A fresh campaign has no budget and starts cautious; every
 * answer connected in time earns a little, every abandon costs a lot, so the window's rate is held
 * under the target from the first hour instead of being caught up later.
 */
export class PredictivePolicy implements PacingPolicy {
  readonly name = 'predictive';
  readonly settings: PredictiveSettings;
  private readonly model = new CallModel();
  private readonly ledger: AbandonLedger;
  private lastRisk = 0;

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
    if (observation.kind === 'live-answer') this.ledger.record(observation.at, observation.abandoned);
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

  private risk(now: number): number {
    const { liveAnswers, abandoned } = this.ledger.counts(now);
    const budget = this.aim * liveAnswers - abandoned - this.settings.openingReserve;
    const risk = this.aim * Math.exp(this.settings.budgetGain * budget);
    return Math.min(this.settings.maxRisk, Math.max(this.settings.minRisk, risk));
  }

  /**
   * The n-th new call, if it turns out live at second k, finds no agent when fewer agents are
   * free by k + grace than people ready by k, itself included (first come, first served). Its
   * risk is that probability averaged over when it would turn out live.
   */
  private largestAcceptableBatch(snapshot: PacingSnapshot, risk: number): number {
    const horizon = this.settings.horizonSeconds;
    const graceSteps = Math.ceil(this.settings.graceSeconds);
    const liveShare = this.model.newCallLiveWithin(horizon);
    if (liveShare <= 0) return 0;

    const steps: { weight: number; q: number; agents: PoissonBinomial; people: PoissonBinomial }[] = [];
    let previousQ = 0;
    for (let k = 0; k <= horizon; k++) {
      const q = this.model.newCallLiveWithin(k);
      const weight = q - previousQ;
      previousQ = q;
      if (weight <= 1e-6) continue;
      const agents = new PoissonBinomial();
      for (const agent of snapshot.agents) agents.add(this.model.agentFreeWithin(agent, k + graceSteps));
      const people = new PoissonBinomial();
      for (const call of snapshot.calls) people.add(this.model.callLiveWithin(call, k));
      people.add(1);
      steps.push({ weight: weight / liveShare, q, agents, people });
    }

    let n = 0;
    while (n < snapshot.linesAvailable) {
      let marginal = 0;
      for (const step of steps) marginal += step.weight * step.people.probabilityExceeds(step.agents);
      if (marginal > risk) break;
      for (const step of steps) step.people.add(step.q);
      n++;
    }
    return n;
  }
}
