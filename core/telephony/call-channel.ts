import { randomUUID } from 'node:crypto';
import type { AriRest, RecordParams } from './ari/ari-rest';
import { AriRequestError } from './ari/errors';
import { StepTimeoutError } from './errors';
import type { EventHub } from './event-hub';

/** What channel and bridge handles need from the telephony service. */
export interface TelephonyRuntime {
  readonly app: string;
  readonly hub: EventHub;
  rest(): AriRest;
  /** Digits received on a channel in Stasis and not consumed yet, oldest first; consumes them. */
  takeDigits(channelId: string): string;
  /** A Snoop channel about to be created: its StasisStart is not a call. */
  expectSnoop(snoopId: string): void;
  inApplication(channelId: string): boolean;
  /** Call logic sent the channel away itself (hang-up, dialplan, transfer): nothing to give back. */
  released(channelId: string): void;
}

export type SnoopMode =
  /** Hear both parties; say nothing. */
  | 'listen'
  /** Hear both parties; speak to the snooped channel only (coach an agent). */
  | 'whisper'
  /** Hear both parties; speak to both. */
  | 'barge';

const SNOOP_DIRECTIONS: Record<SnoopMode, { spy: 'both'; whisper: 'none' | 'out' | 'both' }> = {
  listen: { spy: 'both', whisper: 'none' },
  whisper: { spy: 'both', whisper: 'out' },
  barge: { spy: 'both', whisper: 'both' },
};

export interface CollectDigitsOptions {
  /** Stop after this many digits. */
  max: number;
  /** Wait for the first digit (ms). */
  timeoutMs: number;
  /** Wait between digits (ms); default timeoutMs. */
  interDigitTimeoutMs?: number;
  /** Ends input early and is not returned; default '#'. Empty string: none. */
  terminator?: string;
}

export interface RecordingResult {
  name: string;
  format: string;
  durationSeconds: number | null;
}

function ignoreNotFound(err: unknown): void {
  if (err instanceof AriRequestError && err.notFound) return;
  throw err;
}

/** One channel in Carillon's Stasis application, with the commands call logic uses. */
export class CallChannel {
  constructor(
    readonly id: string,
    private readonly runtime: TelephonyRuntime,
  ) {}

  answer(): Promise<void> {
    return this.runtime.rest().answer(this.id);
  }

  /** Ringing indication toward the caller while something else is dialled. */
  ring(): Promise<void> {
    return this.runtime.rest().ring(this.id);
  }

  /** Hangs up; a channel that is already gone counts as hung up. */
  async hangup(reason?: 'normal' | 'busy' | 'congestion'): Promise<void> {
    this.runtime.released(this.id);
    await this.runtime.rest().hangup(this.id, reason).catch(ignoreNotFound);
  }

  /** Leaves the application and goes on in the dialplan (the priority after Stasis() by default). */
  continueInDialplan(target: { context?: string; extension?: string; priority?: number } = {}): Promise<void> {
    this.runtime.released(this.id);
    return this.runtime.rest().continueInDialplan(this.id, target);
  }

  /** Blind transfer to another endpoint. */
  transfer(endpoint: string): Promise<void> {
    this.runtime.released(this.id);
    return this.runtime.rest().redirect(this.id, endpoint);
  }

  /** Plays a sound (`sound:…`, `recording:…`, `tone:…`) and resolves when it has finished. */
  async play(media: string, options: { timeoutMs?: number } = {}): Promise<void> {
    const playbackId = randomUUID();
    const finished = this.runtime.hub.wait({
      what: `the end of ${media}`,
      channelId: this.id,
      // Asterisk never finishes some bad media (`bogus:xyz`): do not wait forever.
      timeoutMs: options.timeoutMs ?? 10 * 60_000,
      match: (e) => (e.type === 'PlaybackFinished' && e.playback.id === playbackId ? e.playback.state : undefined),
    });
    try {
      await this.runtime.rest().play(this.id, media, playbackId);
    } catch (err) {
      finished.cancel();
      throw err;
    }
    finished.watch({ kind: 'playback', id: playbackId });
    const state = await finished.promise;
    if (state !== 'done') throw new Error(`Playback of ${media} ended ${state}`);
  }

  /** Collects DTMF digits, including those pressed during a prompt played just before. */
  async collectDigits(options: CollectDigitsOptions): Promise<string> {
    const terminator = options.terminator ?? '#';
    let digits = '';
    for (;;) {
      for (const digit of this.runtime.takeDigits(this.id)) {
        if (terminator && digit === terminator) return digits;
        digits += digit;
        if (digits.length >= options.max) return digits;
      }
      const wait = this.runtime.hub.wait({
        what: 'a digit',
        channelId: this.id,
        timeoutMs: digits ? (options.interDigitTimeoutMs ?? options.timeoutMs) : options.timeoutMs,
        match: (e) => (e.type === 'ChannelDtmfReceived' && e.channel.id === this.id ? true : undefined),
      });
      try {
        await wait.promise;
      } catch (err) {
        if ((err as { code?: string }).code === 'step_timeout') return digits;
        throw err;
      }
    }
  }

  sendDtmf(digits: string, options: { between?: number; duration?: number } = {}): Promise<void> {
    return this.runtime.rest().sendDtmf(this.id, digits, options);
  }

  /** Records this channel (not while it is in a bridge: record the bridge then). */
  record(options: Partial<RecordParams> = {}): Promise<RecordingResult> {
    return recordTarget(this.runtime, options, (params) => this.runtime.rest().record(this.id, params));
  }

  /** A Snoop channel on this one, in the application, ready to be bridged with a supervisor. */
  async snoop(mode: SnoopMode, options: { timeoutMs?: number } = {}): Promise<CallChannel> {
    const snoopId = randomUUID();
    this.runtime.expectSnoop(snoopId);
    const started = this.runtime.hub.wait({
      what: 'the Snoop channel',
      timeoutMs: options.timeoutMs ?? 10_000,
      match: (e) => (e.type === 'StasisStart' && e.channel.id === snoopId ? true : undefined),
    });
    try {
      await this.runtime.rest().snoop(this.id, { app: this.runtime.app, appArgs: 'snoop', snoopId, ...SNOOP_DIRECTIONS[mode] });
    } catch (err) {
      started.cancel();
      throw err;
    }
    await started.promise;
    return new CallChannel(snoopId, this.runtime);
  }

  async getVariable(name: string): Promise<string | null> {
    try {
      return (await this.runtime.rest().getVariable(this.id, name)).value;
    } catch (err) {
      if (err instanceof AriRequestError && err.reason === 'Provided variable was not found') return null;
      throw err;
    }
  }

  setVariable(name: string, value: string): Promise<void> {
    return this.runtime.rest().setVariable(this.id, name, value);
  }

  /**
   * The answering-machine detection verdict of a call originated through the outbound routes with
   * the variable `CARILLON_AMD=1`: the dialplan runs AMD() on the called number before connecting
   * it and copies AMDSTATUS (MACHINE, HUMAN, NOTSURE, HANGUP) and AMDCAUSE to the originated
   * channel. Waits for it up to `timeoutMs`; null when AMD did not run on this call.
   */
  async answeringMachineVerdict(options: { timeoutMs: number }): Promise<{ status: string; cause: string } | null> {
    const varset = this.runtime.hub.wait({
      what: 'the answering-machine verdict',
      channelId: this.id,
      timeoutMs: options.timeoutMs,
      match: (e) => (e.type === 'ChannelVarset' && e.channel?.id === this.id && e.variable === 'AMDSTATUS' && e.value ? e.value : undefined),
    });
    varset.watch({ kind: 'variable', channelId: this.id, name: 'AMDSTATUS' });
    let status = await this.getVariable('AMDSTATUS');
    if (status) varset.cancel();
    else {
      try {
        status = await varset.promise;
      } catch (err) {
        if ((err as { code?: string }).code === 'step_timeout') return null;
        throw err;
      }
    }
    return { status, cause: (await this.getVariable('AMDCAUSE')) ?? '' };
  }

  /**
   * Resolves once the far end spoke and then stayed silent for `silenceMs` (default 1000): an
   * answering machine's greeting and its beep are over, a message can be left. Uses TALK_DETECT;
   * rejects with a step timeout after `timeoutMs`.
   */
  async waitForSilenceAfterSpeech(options: { timeoutMs: number; silenceMs?: number }): Promise<void> {
    const silenceMs = options.silenceMs ?? 1000;
    const deadline = Date.now() + options.timeoutMs;
    let spoke = false;
    let talking = false;
    const off = this.runtime.hub.on((e) => {
      if (e.type === 'ChannelTalkingStarted' && e.channel.id === this.id) talking = spoke = true;
      if (e.type === 'ChannelTalkingFinished' && e.channel.id === this.id) talking = false;
    });
    try {
      await this.setVariable('TALK_DETECT(set)', '');
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) throw new StepTimeoutError('silence after speech', options.timeoutMs);
        const quiet = spoke && !talking;
        const next = this.runtime.hub.wait({
          what: 'silence after speech',
          channelId: this.id,
          timeoutMs: quiet ? Math.min(silenceMs, left) : left,
          match: (e) => ((e.type === 'ChannelTalkingStarted' || e.type === 'ChannelTalkingFinished') && e.channel.id === this.id ? true : undefined),
        });
        try {
          await next.promise;
        } catch (err) {
          if ((err as { code?: string }).code !== 'step_timeout') throw err;
          // Quiet for silenceMs since the last change (the flags also see events between two waits).
          if (quiet && spoke && !talking) return;
        }
      }
    } finally {
      off();
      await this.setVariable('TALK_DETECT(remove)', '').catch(() => undefined);
    }
  }

  /** Resolves when the channel leaves the application or is destroyed; at once if it is not in the application. */
  left(): Promise<void> {
    if (!this.runtime.inApplication(this.id)) return Promise.resolve();
    return this.runtime.hub.wait({
      what: 'the end of the call',
      channelId: this.id,
      match: (e) => ((e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') && e.channel.id === this.id ? true : undefined),
    }).promise.then(() => undefined);
  }
}

/** A mixing bridge Carillon created. Asterisk never destroys a bridge by itself: destroy it. */
export class CallBridge {
  constructor(
    readonly id: string,
    private readonly runtime: TelephonyRuntime,
  ) {}

  add(...channels: CallChannel[]): Promise<void> {
    return this.runtime.rest().addToBridge(this.id, channels.map((c) => c.id));
  }

  remove(channel: CallChannel): Promise<void> {
    return this.runtime.rest().removeFromBridge(this.id, channel.id);
  }

  record(options: Partial<RecordParams> = {}): Promise<RecordingResult> {
    return recordTarget(this.runtime, options, (params) => this.runtime.rest().recordBridge(this.id, params));
  }

  async destroy(): Promise<void> {
    await this.runtime.rest().destroyBridge(this.id).catch(ignoreNotFound);
  }
}

async function recordTarget(runtime: TelephonyRuntime, options: Partial<RecordParams>, start: (params: RecordParams) => Promise<unknown>): Promise<RecordingResult> {
  const params: RecordParams = { name: options.name ?? `carillon-${randomUUID()}`, format: options.format ?? 'wav', ifExists: 'fail', beep: false, ...options };
  const ended = runtime.hub.wait({
    what: `the end of recording ${params.name}`,
    timeoutMs: ((params.maxDurationSeconds ?? 4 * 3600) + 30) * 1000,
    match: (e) =>
      (e.type === 'RecordingFinished' || e.type === 'RecordingFailed') && e.recording.name === params.name ? e : undefined,
  });
  try {
    await start(params);
  } catch (err) {
    ended.cancel();
    throw err;
  }
  ended.watch({ kind: 'recording', name: params.name });
  const event = await ended.promise;
  if (event.type === 'RecordingFailed') throw new Error(`Recording ${params.name} failed: ${event.recording.cause ?? 'unknown cause'}`);
  return { name: params.name, format: params.format, durationSeconds: event.recording.duration ?? null };
}
