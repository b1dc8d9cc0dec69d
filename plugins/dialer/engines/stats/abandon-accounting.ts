/**
 * Abandoned calls as the regulators define them (Ofcom persistent-misuse statement, US TSR
 * 16 CFR 310.4(b)(4)): a live person who is not connected to an agent within 2 seconds of the end
 * of their greeting. A person wrongly classified as an answering machine was never connected to
 * anyone, so a detection false positive is an abandoned call too. The rate is abandoned calls
 * divided by live answers, over the campaign's regulatory window.
 */
export const ABANDON_GRACE_SECONDS = 2;
export const OFCOM_WINDOW_SECONDS = 24 * 3600;
export const TSR_WINDOW_SECONDS = 30 * 24 * 3600;

export interface LiveAnswer {
  /** When the person finished their greeting ("hello?"), in seconds. */
  readonly greetingEndedAt: number;
  /** When an agent was connected, or null if nobody ever was. */
  readonly agentConnectedAt: number | null;
  /** Detection took the person for a machine. */
  readonly classifiedAsMachine?: boolean;
}

export function isAbandoned(answer: LiveAnswer, graceSeconds = ABANDON_GRACE_SECONDS): boolean {
  if (answer.classifiedAsMachine) return true;
  if (answer.agentConnectedAt === null) return true;
  return answer.agentConnectedAt - answer.greetingEndedAt > graceSeconds;
}

export interface AbandonCounts {
  readonly liveAnswers: number;
  readonly abandoned: number;
  /** abandoned / liveAnswers, 0 while nobody has answered. */
  readonly rate: number;
}

/**
 * Live answers and abandons over a sliding window (e.g. 24 h for Ofcom, 30 days for the TSR).
 * Records must arrive in time order, which is how a dialer produces them.
 */
export class AbandonLedger {
  private answers: number[] = [];
  private abandons: number[] = [];
  private answersHead = 0;
  private abandonsHead = 0;

  constructor(readonly windowSeconds: number) {}

  record(at: number, abandoned: boolean): void {
    this.answers.push(at);
    if (abandoned) this.abandons.push(at);
  }

  recordAnswer(answer: LiveAnswer, graceSeconds = ABANDON_GRACE_SECONDS): boolean {
    const abandoned = isAbandoned(answer, graceSeconds);
    this.record(answer.greetingEndedAt, abandoned);
    return abandoned;
  }

  /** Counts over the window (now − window, now]. */
  counts(now: number): AbandonCounts {
    const from = now - this.windowSeconds;
    while (this.answersHead < this.answers.length && this.answers[this.answersHead] <= from) this.answersHead++;
    while (this.abandonsHead < this.abandons.length && this.abandons[this.abandonsHead] <= from) this.abandonsHead++;
    this.compact();
    const liveAnswers = countUpTo(this.answers, this.answersHead, now);
    const abandoned = countUpTo(this.abandons, this.abandonsHead, now);
    return { liveAnswers, abandoned, rate: liveAnswers === 0 ? 0 : abandoned / liveAnswers };
  }

  private compact(): void {
    if (this.answersHead > 4096 && this.answersHead * 2 > this.answers.length) {
      this.answers = this.answers.slice(this.answersHead);
      this.answersHead = 0;
    }
    if (this.abandonsHead > 4096 && this.abandonsHead * 2 > this.abandons.length) {
      this.abandons = this.abandons.slice(this.abandonsHead);
      this.abandonsHead = 0;
    }
  }
}

function countUpTo(times: number[], head: number, now: number): number {
  let end = times.length;
  while (end > head && times[end - 1] > now) end--;
  return end - head;
}
