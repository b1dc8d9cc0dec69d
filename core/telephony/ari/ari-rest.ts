import type { AriClient, AriResource } from 'ari-client';
import type { AriApplication, AriBridge, AriChannel, AriLiveRecording, AriPlayback } from './ari-types';
import { AriRequestError } from './errors';
import type { RequestGate } from './request-gate';

export interface OriginateParams {
  endpoint: string;
  app: string;
  appArgs?: string;
  callerId?: string;
  timeout?: number;
  /** Set it for Local/ channels: without it they negotiate slin192 and playback costs ~6× more CPU. */
  formats?: string;
  channelId: string;
  otherChannelId?: string;
  variables?: Record<string, string>;
}

export interface RecordParams {
  name: string;
  format: string;
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  ifExists?: 'fail' | 'overwrite' | 'append';
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
}

/** ari-client resolves with resource objects carrying methods and a client reference: keep the data. */
function plain<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((item) => plain(item)) as T;
  if (!value || typeof value !== 'object') return value as T;
  return Object.fromEntries(Object.entries(value).filter(([key, v]) => !key.startsWith('_') && typeof v !== 'function')) as T;
}

function withoutUndefined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
}

/**
 * The ARI operations Carillon uses, typed, each through the request gate (timeout and socket bound).
 * Parameter names are ARI's; ari-client puts them in the query string like Asterisk expects.
 */
export class AriRest {
  constructor(
    private readonly client: AriClient,
    private readonly gate: RequestGate,
  ) {}

  private call<T>(resource: keyof Pick<AriClient, 'channels' | 'bridges' | 'playbacks' | 'recordings' | 'applications' | 'asterisk' | 'endpoints'>, operation: string, params: Record<string, unknown> = {}): Promise<T> {
    const name = `${resource}.${operation}`;
    return this.gate.run(name, async () => {
      const api: AriResource = this.client[resource];
      const fn = api?.[operation];
      if (!fn) throw new AriRequestError(name, 'rejected', 'operation not offered by this Asterisk');
      return plain<T>(await fn(withoutUndefined(params)));
    });
  }

  originate(params: OriginateParams): Promise<AriChannel> {
    return this.call('channels', 'originate', { ...params });
  }
  getChannel(channelId: string): Promise<AriChannel> {
    return this.call('channels', 'get', { channelId });
  }
  listChannels(): Promise<AriChannel[]> {
    return this.call('channels', 'list');
  }
  listBridges(): Promise<AriBridge[]> {
    return this.call('bridges', 'list');
  }
  /** Every endpoint Asterisk knows with its state (`online`, `offline`…), in one request. */
  listEndpoints(): Promise<Array<{ technology: string; resource: string; state?: string }>> {
    return this.call('endpoints', 'list');
  }
  answer(channelId: string): Promise<void> {
    return this.call('channels', 'answer', { channelId });
  }
  ring(channelId: string): Promise<void> {
    return this.call('channels', 'ring', { channelId });
  }
  hangup(channelId: string, reason?: 'normal' | 'busy' | 'congestion' | 'no_answer'): Promise<void> {
    return this.call('channels', 'hangup', { channelId, reason });
  }
  continueInDialplan(channelId: string, target: { context?: string; extension?: string; priority?: number } = {}): Promise<void> {
    return this.call('channels', 'continueInDialplan', { channelId, ...target });
  }
  redirect(channelId: string, endpoint: string): Promise<void> {
    return this.call('channels', 'redirect', { channelId, endpoint });
  }
  play(channelId: string, media: string, playbackId: string): Promise<AriPlayback> {
    return this.call('channels', 'play', { channelId, media, playbackId });
  }
  getPlayback(playbackId: string): Promise<AriPlayback> {
    return this.call('playbacks', 'get', { playbackId });
  }
  stopPlayback(playbackId: string): Promise<void> {
    return this.call('playbacks', 'stop', { playbackId });
  }
  sendDtmf(channelId: string, dtmf: string, options: { between?: number; duration?: number } = {}): Promise<void> {
    return this.call('channels', 'sendDTMF', { channelId, dtmf, ...options });
  }
  record(channelId: string, params: RecordParams): Promise<AriLiveRecording> {
    return this.call('channels', 'record', { channelId, ...params });
  }
  getLiveRecording(recordingName: string): Promise<AriLiveRecording> {
    return this.call('recordings', 'getLive', { recordingName });
  }
  getStoredRecording(recordingName: string): Promise<{ name: string; format: string }> {
    return this.call('recordings', 'getStored', { recordingName });
  }
  stopRecording(recordingName: string): Promise<void> {
    return this.call('recordings', 'stop', { recordingName });
  }
  snoop(channelId: string, params: { app: string; spy: 'none' | 'both' | 'out' | 'in'; whisper: 'none' | 'both' | 'out' | 'in'; appArgs?: string; snoopId: string }): Promise<AriChannel> {
    return this.call('channels', 'snoopChannel', { channelId, ...params });
  }
  getVariable(channelId: string, variable: string): Promise<{ value: string }> {
    return this.call('channels', 'getChannelVar', { channelId, variable });
  }
  setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.call('channels', 'setChannelVar', { channelId, variable, value });
  }
  createBridge(params: { bridgeId: string; type?: string; name?: string }): Promise<AriBridge> {
    return this.call('bridges', 'create', { type: 'mixing', ...params });
  }
  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.call('bridges', 'addChannel', { bridgeId, channel: channelIds.join(',') });
  }
  removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    return this.call('bridges', 'removeChannel', { bridgeId, channel: channelId });
  }
  destroyBridge(bridgeId: string): Promise<void> {
    return this.call('bridges', 'destroy', { bridgeId });
  }
  recordBridge(bridgeId: string, params: RecordParams): Promise<AriLiveRecording> {
    return this.call('bridges', 'record', { bridgeId, ...params });
  }
  getApplication(applicationName: string): Promise<AriApplication> {
    return this.call('applications', 'get', { applicationName });
  }
  reloadModule(moduleName: string): Promise<void> {
    return this.call('asterisk', 'reloadModule', { moduleName });
  }
  /** `status.startup_time` changes when Asterisk restarts (a reload changes only `last_reload_time`). */
  asteriskInfo(): Promise<{ status?: { startup_time?: string; last_reload_time?: string } }> {
    return this.call('asterisk', 'getInfo', { only: 'status' });
  }
}
