import { countSnapshot, type PacingObservation, type PacingPolicy, type PacingSnapshot } from './types';

/**
 * A reimplementation, from reading its behaviour (AST_VDadapt.pl and AST_VDauto_dial.pl in the
 * public Vicidial sources), of Vicidial's adaptive dial-level method. It is the baseline the
 * predictive policy is measured against, so it keeps Vicidial's choices rather than improving them:
 *
 * - the dial level L means "keep round(L × (ready + talking agents)) calls up, connected calls
 *   included";
 * - every second it samples ready agents and live calls waiting for an agent, and every 15 s it
 *   scales L by (1 + (avg ready − avg waiting + diffTarget) / avg agents), the relative change
 *   bent by the intensity setting (−40…+40);
 * - L is capped by the maximum level, halved when more than half the calls of the last minute
 *   dropped (past 20 calls), and when today's drops per answer exceed the target (past 50
 *   calls): reset to 1.0 (hard limit), halved (average) or scaled down as the latest hour
 *   approaches (tapered); never below 1.0.
 */
export interface VicidialAdaptiveSettings {
  readonly dropTarget: number;
  readonly method: 'hard-limit' | 'average' | 'tapered';
  readonly intensity: number;
  readonly diffTarget: number;
  readonly maxLevel: number;
  readonly initialLevel: number;
  /** Campaign clock second after which the tapered method forces L to 1.0. */
  readonly latestTime: number;
}

export const VICIDIAL_DEFAULTS: VicidialAdaptiveSettings = {
  dropTarget: 0.03,
  method: 'hard-limit',
  intensity: 0,
  diffTarget: 0,
  maxLevel: 3,
  initialLevel: 1,
  latestTime: Number.POSITIVE_INFINITY,
};

const SAMPLE_COUNT = 15;
const ADJUST_EVERY_SECONDS = 15;

export class VicidialAdaptivePolicy implements PacingPolicy {
  readonly name = 'vicidial adaptive';
  private readonly settings: VicidialAdaptiveSettings;
  private level: number;
  private samples: { ready: number; waiting: number; agents: number }[] = [];
  private lastAdjustAt: number | undefined;
  private placedAt: number[] = [];
  private dropsAt: number[] = [];
  private callsToday = 0;
  private answersToday = 0;
  private dropsToday = 0;
  private now = 0;

  constructor(settings: Partial<VicidialAdaptiveSettings> = {}) {
    this.settings = { ...VICIDIAL_DEFAULTS, ...settings };
    this.level = this.settings.initialLevel;
  }

  get dialLevel(): number {
    return this.level;
  }

  callsToPlace(snapshot: PacingSnapshot): number {
    this.now = snapshot.now;
    const c = countSnapshot(snapshot);
    this.samples.push({ ready: c.ready, waiting: c.waiting, agents: c.ready + c.talking + c.wrapUp });
    if (this.samples.length > SAMPLE_COUNT) this.samples.shift();
    if (this.lastAdjustAt === undefined) this.lastAdjustAt = snapshot.now;
    if (snapshot.now - this.lastAdjustAt >= ADJUST_EVERY_SECONDS) {
      this.lastAdjustAt = snapshot.now;
      this.adjust();
    }
    const goal = Math.round(this.level * (c.ready + c.talking));
    const existing = c.ringing + c.screening + c.waiting + c.talking;
    const calls = Math.max(0, Math.min(goal - existing, snapshot.linesAvailable));
    for (let i = 0; i < calls; i++) this.placedAt.push(snapshot.now);
    this.callsToday += calls;
    return calls;
  }

  observe(observation: PacingObservation): void {
    if (observation.kind !== 'live-answer') return;
    this.answersToday++;
    if (observation.abandoned) {
      this.dropsToday++;
      this.dropsAt.push(observation.at);
    }
  }

  private adjust(): void {
    const n = this.samples.length;
    const avg = (pick: (s: { ready: number; waiting: number; agents: number }) => number) =>
      this.samples.reduce((sum, s) => sum + pick(s), 0) / n;
    const avgAgents = avg((s) => s.agents);
    const differential = avg((s) => s.ready) - avg((s) => s.waiting) + this.settings.diffTarget;
    const relative = avgAgents > 0 ? differential / avgAgents : 0;
    const intensity = this.settings.intensity / 100;
    const bent = relative < 0 ? relative * Math.abs(intensity - 1) : relative * (intensity + 1);
    let level = Math.min(this.level * (1 + bent), this.settings.maxLevel);
    if (level < 1) level = 1;

    const minuteAgo = this.now - 60;
    while (this.placedAt.length > 0 && this.placedAt[0] <= minuteAgo) this.placedAt.shift();
    while (this.dropsAt.length > 0 && this.dropsAt[0] <= minuteAgo) this.dropsAt.shift();
    const callsLastMinute = this.placedAt.length;
    if (callsLastMinute > 20 && this.dropsAt.length / callsLastMinute > 0.5) level /= 2;

    const dropRateToday = this.dropsToday / Math.max(1, this.answersToday);
    if (this.callsToday > 50 && dropRateToday > this.settings.dropTarget) {
      if (this.settings.method === 'hard-limit') level = 1;
      else if (this.settings.method === 'average') level /= 2;
      else {
        const secondsLeft = this.settings.latestTime - this.now;
        level = secondsLeft < 0 ? 1 : level * Math.min(1, secondsLeft / 36_000);
      }
    }
    this.level = Math.max(1, level);
  }
}
