// Answering machines and people as Asterisk's AMD() and TALK_DETECT see them, for tests and the
// dialer engines. After the answer the far end is silent 100 ms, then speaks: a machine its
// greeting (then a beep), a person a short "hello". AMD() (amd.conf defaults: greeting 1500 ms,
// after-greeting silence 800 ms, total analysis 5000 ms) concludes:
//   MACHINE  when the speech lasts past the greeting limit: AMDCAUSE=LONGGREETING-<ms>-1500
//   HUMAN    when a short speech is followed by silence:     AMDCAUSE=HUMAN-<ms>-800
//   NOTSURE  when nothing decided before the total time:     AMDCAUSE=TOOLONG-5000
// and sets AMDSTATUS/AMDCAUSE on the channel (ChannelVarset), as the dialplan's AMD() does before
// Stasis(). With `TALK_DETECT(set)` set on the channel (POST /channels/{id}/variable), speech and
// the beep are reported as ChannelTalkingStarted / ChannelTalkingFinished { duration }, which is
// how an ARI dialer waits for the beep before leaving its message.
import type { SimChannel } from './sim-channel';

export type AmdStatus = 'MACHINE' | 'HUMAN' | 'NOTSURE';

export interface AnsweringMachineScript {
  amd: AmdStatus;
  /** AMDCAUSE; by default the one AMD() gives for the verdict. */
  cause?: string;
  /** Length of the speech after the answer (a machine's greeting, a person's "hello"). Default 3000 ms for a machine, 400 ms otherwise. */
  speechMs?: number;
  /** A machine's beep, this long after its greeting ends (default 300 ms); null for none. */
  beepAfterGreetingMs?: number | null;
}

/** `true`/`false` (older scripts): MACHINE or HUMAN at once. */
export type AnsweringMachineOption = boolean | AnsweringMachineScript;

const INITIAL_SILENCE_MS = 100;
const GREETING_LIMIT_MS = 1500;
const AFTER_GREETING_SILENCE_MS = 800;
const TOTAL_ANALYSIS_MS = 5000;
const BEEP_MS = 400;

/** What happened on a channel whose far end followed a script: when the beep came and what was played to it. */
export interface AnsweringMachineLog {
  amd: AmdStatus;
  answeredAt: Date;
  greetingEndAt: Date;
  beepAt: Date | null;
  played: Array<{ media: string; at: Date }>;
}

export interface AmdHost {
  varset(channel: SimChannel, variable: string, value: string): void;
  channelEvent(channel: SimChannel, type: string, extra?: Record<string, unknown>, extraFirst?: boolean): void;
}

export class AnsweringMachines {
  /** Per channel id, kept after the channel is gone so tests can look at it. */
  readonly logs = new Map<string, AnsweringMachineLog>();

  constructor(private readonly host: AmdHost) {}

  /** The far end of `channel` answered and follows `option`; returns when (ms) AMD() gives its verdict, null without a script. */
  answered(channel: SimChannel, option: AnsweringMachineOption | undefined): number | null {
    if (option === undefined) return null;
    if (typeof option === 'boolean') {
      // The older boolean form: a verdict at once, without timeline.
      channel.vars.set('AMDSTATUS', option ? 'MACHINE' : 'HUMAN');
      return 0;
    }
    const speechMs = option.speechMs ?? (option.amd === 'MACHINE' ? 3000 : 400);
    const answeredAt = Date.now();
    const greetingEnd = INITIAL_SILENCE_MS + speechMs;
    const beepOffset = option.amd === 'MACHINE' && option.beepAfterGreetingMs !== null ? greetingEnd + (option.beepAfterGreetingMs ?? 300) : null;
    const log: AnsweringMachineLog = { amd: option.amd, answeredAt: new Date(answeredAt), greetingEndAt: new Date(answeredAt + greetingEnd), beepAt: beepOffset === null ? null : new Date(answeredAt + beepOffset), played: [] };
    this.logs.set(channel.id, log);

    const { at, cause } = verdict(option, speechMs);
    channel.later(at, () => {
      this.host.varset(channel, 'AMDSTATUS', option.amd);
      this.host.varset(channel, 'AMDCAUSE', option.cause ?? cause);
    });
    this.talking(channel, INITIAL_SILENCE_MS, speechMs);
    if (beepOffset !== null) this.talking(channel, beepOffset, BEEP_MS);
    return at;
  }

  /** A playback started on the channel (the dialer's message). */
  played(channelId: string, media: string): void {
    this.logs.get(channelId)?.played.push({ media, at: new Date() });
  }

  private talking(channel: SimChannel, startMs: number, durationMs: number): void {
    const detecting = () => channel.vars.has('TALK_DETECT(set)') && !channel.vars.has('TALK_DETECT(remove)');
    channel.later(startMs, () => {
      if (detecting()) this.host.channelEvent(channel, 'ChannelTalkingStarted');
    });
    channel.later(startMs + durationMs, () => {
      if (detecting()) this.host.channelEvent(channel, 'ChannelTalkingFinished', { duration: durationMs }, true);
    });
  }
}

/** When AMD() concludes, after the answer, and the AMDCAUSE it gives. */
function verdict(script: AnsweringMachineScript, speechMs: number): { at: number; cause: string } {
  switch (script.amd) {
    case 'MACHINE': {
      const heard = Math.min(speechMs, GREETING_LIMIT_MS);
      return { at: INITIAL_SILENCE_MS + heard, cause: `LONGGREETING-${heard}-${GREETING_LIMIT_MS}` };
    }
    case 'HUMAN':
      return { at: INITIAL_SILENCE_MS + speechMs + AFTER_GREETING_SILENCE_MS, cause: `HUMAN-${speechMs}-${AFTER_GREETING_SILENCE_MS}` };
    case 'NOTSURE':
      return { at: TOTAL_ANALYSIS_MS, cause: `TOOLONG-${TOTAL_ANALYSIS_MS}` };
  }
}
