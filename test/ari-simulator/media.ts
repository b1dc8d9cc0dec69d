import { randomUUID } from 'node:crypto';
import type { CallModel } from './call-model';
import { fail, FORMATS, type Reply } from './replies';
import { SimChannel } from './sim-channel';

interface SimPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  language: string;
  state: string;
  timer: NodeJS.Timeout | null;
}

interface SimRecording {
  name: string;
  format: string;
  state: string;
  target_uri: string;
  startedAt: number;
  timer: NodeJS.Timeout | null;
}

/** Playbacks and recordings of the simulated Asterisk (PlaybackStarted/Finished, Recording* events). */
export class SimMedia {
  readonly sounds = new Map<string, number | 'missing'>();
  readonly playbacks = new Map<string, SimPlayback>();
  readonly liveRecordings = new Map<string, SimRecording>();
  readonly storedRecordings = new Map<string, { name: string; format: string }>();

  constructor(
    private readonly model: CallModel,
    private readonly defaultSoundMs: number,
  ) {}

  /** A channel hung up: its playback stops without a PlaybackFinished. */
  channelGone(channelId: string): void {
    for (const playback of this.playbacks.values()) {
      if (playback.target_uri === `channel:${channelId}` && playback.timer) {
        clearTimeout(playback.timer);
        this.playbacks.delete(playback.id);
      }
    }
  }

  clear(): void {
    for (const playback of this.playbacks.values()) if (playback.timer) clearTimeout(playback.timer);
    for (const recording of this.liveRecordings.values()) if (recording.timer) clearTimeout(recording.timer);
  }

  play(id: string, media: string | undefined, playbackId: string | undefined): Reply {
    const channel = this.model.inStasisChannel(id);
    if (!(channel instanceof SimChannel)) return channel;
    if (!media) return fail(500, 'Failed to queue media for playback');
    const playback: SimPlayback = { id: playbackId || randomUUID(), media_uri: media, target_uri: `channel:${id}`, language: 'en', state: 'queued', timer: null };
    this.playbacks.set(playback.id, playback);
    const snapshot = () => ({ id: playback.id, media_uri: playback.media_uri, target_uri: playback.target_uri, language: playback.language, state: playback.state });
    const body = snapshot();
    setImmediate(() => {
      playback.state = 'playing';
      this.model.answeringMachines.played(id, media);
      this.model.send(channel, null, 'PlaybackStarted', { playback: snapshot() });
      const scheme = media.split(':')[0];
      // Unknown schemes start and never finish (like `bogus:xyz` on Asterisk).
      if (!['sound', 'recording', 'tone', 'digits', 'number', 'characters'].includes(scheme)) return;
      const length = this.sounds.get(media) ?? this.defaultSoundMs;
      playback.timer = setTimeout(() => {
        playback.state = length === 'missing' ? 'failed' : 'done';
        this.playbacks.delete(playback.id);
        this.model.send(channel, null, 'PlaybackFinished', { playback: snapshot() });
      }, length === 'missing' ? 0 : length);
    });
    return { status: 201, body };
  }

  stopPlayback(id: string): Reply {
    const playback = this.playbacks.get(id);
    if (!playback) return fail(404, 'Playback not found');
    if (playback.timer) clearTimeout(playback.timer);
    this.playbacks.delete(id);
    const channel = this.model.channels.get(playback.target_uri.replace(/^channel:/, '')) ?? null;
    playback.state = 'done';
    if (channel) setImmediate(() => this.model.send(channel, null, 'PlaybackFinished', { playback: { id, media_uri: playback.media_uri, target_uri: playback.target_uri, language: 'en', state: 'done' } }));
    return { status: 204 };
  }

  record(target: 'channel' | 'bridge', id: string, q: Record<string, string>): Reply {
    let channel: SimChannel | null = null;
    let app: string | null = null;
    if (target === 'channel') {
      const found = this.model.inStasisChannel(id);
      if (!(found instanceof SimChannel)) return found;
      channel = found;
    } else {
      const bridge = this.model.bridges.get(id);
      if (!bridge) return fail(404, 'Bridge not found');
      app = bridge.app;
    }
    if (!q.name) return fail(400, 'Recording name is required');
    if (!FORMATS.has(q.format ?? '')) return fail(422, 'specified format is unknown on this system');
    if ((q.ifExists ?? 'fail') === 'fail' && (this.storedRecordings.has(q.name) || this.liveRecordings.has(q.name))) {
      return fail(409, `Recording '${q.name}' already exists and can not be overwritten`);
    }
    const recording: SimRecording = { name: q.name, format: q.format, state: 'queued', target_uri: `${target}:${id}`, startedAt: Date.now(), timer: null };
    const snapshot = (extra: Record<string, unknown> = {}) => ({ name: recording.name, format: recording.format, state: recording.state, target_uri: recording.target_uri, ...extra });
    const emit = (type: string, extra: Record<string, unknown> = {}) => this.model.send(channel, channel ? null : app, type, { recording: snapshot(extra) });
    if (channel?.bridgeId) {
      recording.state = 'failed';
      emit('RecordingFailed', { cause: 'Cannot record channel while in bridge' });
      return { status: 201, body: snapshot() };
    }
    this.liveRecordings.set(recording.name, recording);
    const body = snapshot();
    setImmediate(() => {
      recording.state = 'recording';
      emit('RecordingStarted');
      if (q.maxDurationSeconds && Number(q.maxDurationSeconds) > 0) recording.timer = setTimeout(() => this.finishRecording(recording.name, emit), Number(q.maxDurationSeconds) * 1000);
    });
    return { status: 201, body };
  }

  private finishRecording(name: string, emit: (type: string, extra?: Record<string, unknown>) => void): void {
    const recording = this.liveRecordings.get(name);
    if (!recording) return;
    if (recording.timer) clearTimeout(recording.timer);
    this.liveRecordings.delete(name);
    recording.state = 'done';
    this.storedRecordings.set(name, { name, format: recording.format });
    emit('RecordingFinished', { duration: Math.round((Date.now() - recording.startedAt) / 1000) });
  }

  stopRecording(name: string): Reply {
    const recording = this.liveRecordings.get(name);
    if (!recording) return fail(404, 'Recording not found');
    const target = recording.target_uri.split(':');
    const channel = target[0] === 'channel' ? (this.model.channels.get(target[1]) ?? null) : null;
    const bridgeApp = target[0] === 'bridge' ? (this.model.bridges.get(target[1])?.app ?? null) : null;
    this.finishRecording(name, (type, extra = {}) =>
      this.model.send(channel, channel ? null : bridgeApp, type, { recording: { name: recording.name, format: recording.format, state: recording.state, target_uri: recording.target_uri, ...extra } }),
    );
    return { status: 204 };
  }

  liveRecording(name: string): Reply {
    const recording = this.liveRecordings.get(name);
    return recording ? { status: 200, body: { name, format: recording.format, state: recording.state, target_uri: recording.target_uri } } : fail(404, 'Recording not found');
  }
}
