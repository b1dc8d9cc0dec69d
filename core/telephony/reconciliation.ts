import type { AriRest } from './ari/ari-rest';
import type { AriBridge, AriChannel, AriEvent, AriLiveRecording, AriPlayback } from './ari/ari-types';
import { AriRequestError } from './ari/errors';
import type { Watched } from './event-hub';

/** The cause text of a call found gone after a reconnection: Asterisk crashed, or it ended unseen. */
export const LOST_CAUSE_TEXT = 'Unknown (ended while disconnected from Asterisk)';

/** What Carillon believed when the event WebSocket came back. */
export interface KnownState {
  app: string;
  /** Channels it believes exist: in the application, calls it follows, channels waits are on. */
  channels: Set<string>;
  /** Channels it believes are in its application. */
  inApplication: Set<string>;
  /** Bridge id → its channels, as last seen. */
  bridges: Map<string, Set<string>>;
  /** What the live waits depend on besides channels. */
  watched: Watched[];
}

type Base = { timestamp: string; application: string };

const FINISHED_PLAYBACK: ReadonlySet<AriPlayback['state']> = new Set(['done', 'failed', 'cancelled']);
const FINISHED_RECORDING: ReadonlySet<AriLiveRecording['state']> = new Set(['done', 'failed', 'canceled']);

/** `2026-11-21T11:15:14.732+0000`, like Asterisk's timestamps. */
function ariTime(at: Date): string {
  return at.toISOString().replace('Z', '+0000');
}

/** A channel Asterisk no longer knows: only its id is left. */
function goneChannel(id: string, timestamp: string): AriChannel {
  const nobody = { name: '', number: '' };
  return { id, name: '', state: 'Down', caller: nobody, connected: nobody, accountcode: '', dialplan: { context: '', exten: '', priority: 0 }, creationtime: timestamp, language: '' };
}

function goneBridge(id: string, channels: string[]): AriBridge {
  return { id, technology: '', bridge_type: 'mixing', bridge_class: 'stasis', creator: '', name: '', channels };
}

/** The arguments of a channel in `Stasis(<app>,<args…>)` now, or null when it is not in that application. */
function stasisArgs(channel: AriChannel, app: string): string[] | null {
  if (channel.dialplan.app_name !== 'Stasis') return null;
  const [name, ...args] = (channel.dialplan.app_data ?? '').split(',');
  return name === app ? args : null;
}

/** The answer, or null when Asterisk says the thing does not exist (404). */
async function unlessMissing<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof AriRequestError && (err.notFound || err.reason === 'Provided variable was not found')) return null;
    throw err;
  }
}

/**
 * ARI replays nothing sent while the event WebSocket was down (a crash, a restart, a network
 * cut). This re-reads over ARI what Carillon knows and waits on, and returns the events it missed,
 * shaped as Asterisk sends them, so the same code paths (call tracking, the event hub's waits,
 * Stasis routes) settle everything: a channel found gone is destroyed (cause 0), a channel found
 * in the application unseen starts there (a lost StasisStart), a playback Asterisk no longer
 * has finished, a recording that is no longer live finished if it was stored and failed if not.
 * A re-read that fails is reported to `failed` and left for the wait's own timeout. Digits and
 * talk detection have no state to read back (ARI keeps no DTMF history): a digit collection or a
 * wait for silence ends by its own timeout, or with its channel.
 */
export async function missedEvents(rest: AriRest, known: KnownState, failed: (subject: string, err: unknown) => void): Promise<AriEvent[]> {
  const base: Base = { timestamp: ariTime(new Date()), application: known.app };
  const rereads = Promise.all(
    known.watched.map((subject) =>
      reread(rest, subject, base).catch((err: unknown) => {
        failed(`${subject.kind} ${'id' in subject ? subject.id : subject.name}`, err);
        return null;
      }),
    ),
  );
  const [channels, bridges] = await Promise.all([rest.listChannels(), rest.listBridges()]);
  const existing = new Map(channels.map((c) => [c.id, c]));
  const channelOf = (id: string) => existing.get(id) ?? goneChannel(id, base.timestamp);
  const events: AriEvent[] = [];

  for (const channel of channels) {
    const args = stasisArgs(channel, known.app);
    if (args && !known.inApplication.has(channel.id)) events.push({ ...base, type: 'StasisStart', args, channel });
    if (!args && known.inApplication.has(channel.id)) events.push({ ...base, type: 'StasisEnd', channel });
  }

  const listed = new Map(bridges.map((b) => [b.id, b]));
  for (const [id, members] of known.bridges) {
    const bridge = listed.get(id);
    if (!bridge) {
      events.push({ ...base, type: 'BridgeDestroyed', bridge: goneBridge(id, []) });
      continue;
    }
    for (const channelId of members) if (!bridge.channels.includes(channelId)) events.push({ ...base, type: 'ChannelLeftBridge', channel: channelOf(channelId), bridge });
    for (const channelId of bridge.channels) if (!members.has(channelId) && existing.has(channelId)) events.push({ ...base, type: 'ChannelEnteredBridge', channel: channelOf(channelId), bridge });
  }

  for (const id of known.channels) {
    if (!existing.has(id)) events.push({ ...base, type: 'ChannelDestroyed', channel: goneChannel(id, base.timestamp), cause: 0, cause_txt: LOST_CAUSE_TEXT });
  }

  // After the channel events: a playback on a channel found gone ends with the channel, not as played.
  for (const event of await rereads) if (event) events.push(event.type === 'ChannelVarset' ? { ...event, channel: channelOf(event.channel!.id) } : event);
  return events;
}

async function reread(rest: AriRest, subject: Watched, base: Base): Promise<AriEvent | null> {
  switch (subject.kind) {
    case 'playback': {
      const playback = await unlessMissing(rest.getPlayback(subject.id));
      if (playback && !FINISHED_PLAYBACK.has(playback.state)) return null;
      // Asterisk forgets a playback once it has finished.
      return { ...base, type: 'PlaybackFinished', playback: playback ?? { id: subject.id, media_uri: '', target_uri: '', state: 'done' } };
    }
    case 'recording':
      return rereadRecording(rest, subject.name, base);
    case 'variable': {
      const value = (await unlessMissing(rest.getVariable(subject.channelId, subject.name)))?.value;
      return value ? { ...base, type: 'ChannelVarset', channel: goneChannel(subject.channelId, base.timestamp), variable: subject.name, value } : null;
    }
  }
}

async function rereadRecording(rest: AriRest, name: string, base: Base): Promise<AriEvent | null> {
  const live = await unlessMissing(rest.getLiveRecording(name));
  if (live && !FINISHED_RECORDING.has(live.state)) return null;
  if (live) return { ...base, type: live.state === 'done' ? 'RecordingFinished' : 'RecordingFailed', recording: live };
  const stored = await unlessMissing(rest.getStoredRecording(name));
  if (stored) return { ...base, type: 'RecordingFinished', recording: { name, format: stored.format, state: 'done', target_uri: '' } };
  return { ...base, type: 'RecordingFailed', recording: { name, format: '', state: 'failed', target_uri: '', cause: 'lost while Carillon was disconnected from Asterisk' } };
}
