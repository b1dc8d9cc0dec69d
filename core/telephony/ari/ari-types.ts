// The ARI objects and events Carillon reads, as Asterisk 22 sends them (see the reference traces).

export interface AriCallerId {
  name: string;
  number: string;
}

export type AriChannelState = 'Down' | 'Rsrvd' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Dialing Offhook' | 'Pre-ring' | 'Unknown';

export interface AriChannel {
  id: string;
  name: string;
  state: AriChannelState;
  protocol_id?: string;
  caller: AriCallerId;
  connected: AriCallerId;
  accountcode: string;
  dialplan: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  /** `2026-11-21T11:15:14.732+0000` */
  creationtime: string;
  language: string;
}

export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime?: string;
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  language?: string;
  state: 'queued' | 'playing' | 'paused' | 'continuing' | 'done' | 'failed' | 'cancelled';
}

export interface AriLiveRecording {
  name: string;
  format: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  target_uri: string;
  duration?: number;
  cause?: string;
}

export interface AriApplication {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
  endpoint_ids: string[];
}

interface EventBase {
  timestamp: string;
  application: string;
  asterisk_id?: string;
}

export type AriEvent = EventBase &
  (
    | { type: 'StasisStart'; args: string[]; channel: AriChannel; replace_channel?: AriChannel }
    | { type: 'StasisEnd'; channel: AriChannel }
    | { type: 'ChannelStateChange'; channel: AriChannel }
    | { type: 'Dial'; dialstatus: string; dialstring?: string; forward?: string; peer: AriChannel; caller?: AriChannel }
    | { type: 'ChannelHangupRequest'; channel: AriChannel; cause?: number; tech_cause?: number; soft?: boolean }
    | { type: 'ChannelDestroyed'; channel: AriChannel; cause: number; cause_txt: string; tech_cause?: number }
    | { type: 'ChannelDtmfReceived'; channel: AriChannel; digit: string; duration_ms: number }
    | { type: 'ChannelVarset'; channel?: AriChannel; variable: string; value: string }
    | { type: 'ChannelEnteredBridge' | 'ChannelLeftBridge'; channel: AriChannel; bridge: AriBridge }
    | { type: 'BridgeDestroyed' | 'BridgeCreated'; bridge: AriBridge }
    | { type: 'PlaybackStarted' | 'PlaybackFinished'; playback: AriPlayback }
    | { type: 'RecordingStarted' | 'RecordingFinished' | 'RecordingFailed'; recording: AriLiveRecording }
    | { type: 'ApplicationReplaced' }
    /** With TALK_DETECT(set) on the channel: the far end starts or stops speaking (duration in ms). */
    | { type: 'ChannelTalkingStarted'; channel: AriChannel }
    | { type: 'ChannelTalkingFinished'; channel: AriChannel; duration: number }
    | { type: 'ChannelDialplan' | 'ChannelCallerId' | 'ChannelConnectedLine'; channel: AriChannel }
    /**
     * Not sent for channels Carillon originates or that enter Stasis, but sent (with the channel
     * events above) for every PJSIP channel once the application is subscribed to `endpoint:PJSIP`
     * (test/ari-simulator/traces/11-dialplan-calls.jsonl).
     */
    | { type: 'ChannelCreated'; channel: AriChannel }
  );

export type AriEventType = AriEvent['type'];
export type AriEventOf<T extends AriEventType> = Extract<AriEvent, { type: T }>;
