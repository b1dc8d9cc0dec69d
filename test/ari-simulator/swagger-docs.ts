// The Swagger 1.1 listing ari-client loads on connect, reduced to the operations Carillon uses.
// Names (resources, nicknames, parameters, models) are ARI's, so the same client code works
// against Asterisk 22. Asterisk answers `basePath` with the host the client used; so does this.

type ParamType = 'path' | 'query' | 'body';

interface Param {
  name: string;
  paramType: ParamType;
  required?: boolean;
  allowMultiple?: boolean;
  dataType?: string;
}

interface Operation {
  path: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  nickname: string;
  responseClass: string;
  params?: Array<string | Param>;
}

const path = (name: string): Param => ({ name, paramType: 'path', required: true });
const required = (name: string): Param => ({ name, paramType: 'query', required: true });
const multiple = (name: string, isRequired = false): Param => ({ name, paramType: 'query', required: isRequired, allowMultiple: true });

const RECORD_PARAMS = ['name', 'format', 'maxDurationSeconds', 'maxSilenceSeconds', 'ifExists', 'beep', 'terminateOn'];

export const OPERATIONS: Record<string, Operation[]> = {
  asterisk: [
    { path: '/asterisk/info', method: 'GET', nickname: 'getInfo', responseClass: 'AsteriskInfo', params: [multiple('only')] },
    { path: '/asterisk/ping', method: 'GET', nickname: 'ping', responseClass: 'AsteriskPing' },
    { path: '/asterisk/modules/{moduleName}', method: 'PUT', nickname: 'reloadModule', responseClass: 'void', params: [path('moduleName')] },
  ],
  endpoints: [
    { path: '/endpoints', method: 'GET', nickname: 'list', responseClass: 'List[Endpoint]' },
    { path: '/endpoints/{tech}/{resource}', method: 'GET', nickname: 'get', responseClass: 'Endpoint', params: [path('tech'), path('resource')] },
  ],
  channels: [
    { path: '/channels', method: 'GET', nickname: 'list', responseClass: 'List[Channel]' },
    {
      path: '/channels',
      method: 'POST',
      nickname: 'originate',
      responseClass: 'Channel',
      params: [required('endpoint'), 'extension', 'context', 'priority', 'label', 'app', 'appArgs', 'callerId', 'timeout', { name: 'variables', paramType: 'body', dataType: 'containers' }, 'channelId', 'otherChannelId', 'originator', 'formats'],
    },
    { path: '/channels/{channelId}', method: 'GET', nickname: 'get', responseClass: 'Channel', params: [path('channelId')] },
    { path: '/channels/{channelId}', method: 'DELETE', nickname: 'hangup', responseClass: 'void', params: [path('channelId'), 'reason_code', 'reason'] },
    { path: '/channels/{channelId}/continue', method: 'POST', nickname: 'continueInDialplan', responseClass: 'void', params: [path('channelId'), 'context', 'extension', 'priority', 'label'] },
    { path: '/channels/{channelId}/redirect', method: 'POST', nickname: 'redirect', responseClass: 'void', params: [path('channelId'), required('endpoint')] },
    { path: '/channels/{channelId}/answer', method: 'POST', nickname: 'answer', responseClass: 'void', params: [path('channelId')] },
    { path: '/channels/{channelId}/ring', method: 'POST', nickname: 'ring', responseClass: 'void', params: [path('channelId')] },
    { path: '/channels/{channelId}/dtmf', method: 'POST', nickname: 'sendDTMF', responseClass: 'void', params: [path('channelId'), 'dtmf', 'before', 'between', 'duration', 'after'] },
    { path: '/channels/{channelId}/play', method: 'POST', nickname: 'play', responseClass: 'Playback', params: [path('channelId'), multiple('media', true), 'lang', 'offsetms', 'skipms', 'playbackId'] },
    { path: '/channels/{channelId}/record', method: 'POST', nickname: 'record', responseClass: 'LiveRecording', params: [path('channelId'), ...RECORD_PARAMS] },
    { path: '/channels/{channelId}/variable', method: 'GET', nickname: 'getChannelVar', responseClass: 'Variable', params: [path('channelId'), required('variable')] },
    { path: '/channels/{channelId}/variable', method: 'POST', nickname: 'setChannelVar', responseClass: 'void', params: [path('channelId'), required('variable'), 'value'] },
    { path: '/channels/{channelId}/snoop', method: 'POST', nickname: 'snoopChannel', responseClass: 'Channel', params: [path('channelId'), 'spy', 'whisper', required('app'), 'appArgs', 'snoopId'] },
  ],
  bridges: [
    { path: '/bridges', method: 'GET', nickname: 'list', responseClass: 'List[Bridge]' },
    { path: '/bridges', method: 'POST', nickname: 'create', responseClass: 'Bridge', params: ['type', 'bridgeId', 'name'] },
    { path: '/bridges/{bridgeId}', method: 'GET', nickname: 'get', responseClass: 'Bridge', params: [path('bridgeId')] },
    { path: '/bridges/{bridgeId}', method: 'DELETE', nickname: 'destroy', responseClass: 'void', params: [path('bridgeId')] },
    { path: '/bridges/{bridgeId}/addChannel', method: 'POST', nickname: 'addChannel', responseClass: 'void', params: [path('bridgeId'), multiple('channel', true), 'role', 'absorbDTMF', 'mute', 'inhibitConnectedLineUpdates'] },
    { path: '/bridges/{bridgeId}/removeChannel', method: 'POST', nickname: 'removeChannel', responseClass: 'void', params: [path('bridgeId'), multiple('channel', true)] },
    { path: '/bridges/{bridgeId}/record', method: 'POST', nickname: 'record', responseClass: 'LiveRecording', params: [path('bridgeId'), ...RECORD_PARAMS] },
  ],
  recordings: [
    { path: '/recordings/stored', method: 'GET', nickname: 'listStored', responseClass: 'List[StoredRecording]' },
    { path: '/recordings/stored/{recordingName}', method: 'GET', nickname: 'getStored', responseClass: 'StoredRecording', params: [path('recordingName')] },
    { path: '/recordings/stored/{recordingName}', method: 'DELETE', nickname: 'deleteStored', responseClass: 'void', params: [path('recordingName')] },
    { path: '/recordings/live/{recordingName}', method: 'GET', nickname: 'getLive', responseClass: 'LiveRecording', params: [path('recordingName')] },
    { path: '/recordings/live/{recordingName}/stop', method: 'POST', nickname: 'stop', responseClass: 'void', params: [path('recordingName')] },
  ],
  playbacks: [
    { path: '/playbacks/{playbackId}', method: 'GET', nickname: 'get', responseClass: 'Playback', params: [path('playbackId')] },
    { path: '/playbacks/{playbackId}', method: 'DELETE', nickname: 'stop', responseClass: 'void', params: [path('playbackId')] },
  ],
  applications: [
    { path: '/applications', method: 'GET', nickname: 'list', responseClass: 'List[Application]' },
    { path: '/applications/{applicationName}', method: 'GET', nickname: 'get', responseClass: 'Application', params: [path('applicationName')] },
  ],
  events: [{ path: '/events', method: 'GET', nickname: 'eventWebsocket', responseClass: 'Message', params: [multiple('app', true), 'subscribeAll'] }],
};

type Props = Record<string, string>;

// ari-client turns event properties typed Channel, Bridge, Playback or LiveRecording into
// resource objects; an event type missing here would crash its message handler.
const EVENT_MODELS: Record<string, Props> = {
  StasisStart: { args: 'List[string]', channel: 'Channel', replace_channel: 'Channel' },
  StasisEnd: { channel: 'Channel' },
  ChannelStateChange: { channel: 'Channel' },
  ChannelDialplan: { channel: 'Channel', dialplan_app: 'string', dialplan_app_data: 'string' },
  ChannelVarset: { variable: 'string', value: 'string', channel: 'Channel' },
  ChannelHangupRequest: { cause: 'int', tech_cause: 'int', soft: 'boolean', channel: 'Channel' },
  ChannelDestroyed: { cause: 'int', cause_txt: 'string', tech_cause: 'int', channel: 'Channel' },
  ChannelDtmfReceived: { digit: 'string', duration_ms: 'int', channel: 'Channel' },
  ChannelTalkingStarted: { channel: 'Channel' },
  ChannelTalkingFinished: { channel: 'Channel', duration: 'int' },
  ChannelConnectedLine: { channel: 'Channel' },
  ChannelCreated: { channel: 'Channel' },
  ChannelCallerId: { caller_presentation: 'int', caller_presentation_txt: 'string', channel: 'Channel' },
  ChannelEnteredBridge: { bridge: 'Bridge', channel: 'Channel' },
  ChannelLeftBridge: { bridge: 'Bridge', channel: 'Channel' },
  BridgeCreated: { bridge: 'Bridge' },
  BridgeDestroyed: { bridge: 'Bridge' },
  Dial: { caller: 'Channel', peer: 'Channel', forward: 'string', forwarded: 'Channel', dialstring: 'string', dialstatus: 'string' },
  PlaybackStarted: { playback: 'Playback' },
  PlaybackFinished: { playback: 'Playback' },
  RecordingStarted: { recording: 'LiveRecording' },
  RecordingFinished: { recording: 'LiveRecording' },
  RecordingFailed: { recording: 'LiveRecording' },
  ApplicationReplaced: {},
};

const MODELS: Record<string, Record<string, Props>> = {
  channels: {
    Channel: { id: 'string', name: 'string', state: 'string', caller: 'CallerID', connected: 'CallerID', accountcode: 'string', dialplan: 'DialplanCEP', creationtime: 'Date', language: 'string' },
    CallerID: { name: 'string', number: 'string' },
    DialplanCEP: { context: 'string', exten: 'string', priority: 'long', app_name: 'string', app_data: 'string' },
    Variable: { value: 'string' },
  },
  bridges: { Bridge: { id: 'string', technology: 'string', bridge_type: 'string', bridge_class: 'string', creator: 'string', name: 'string', channels: 'List[string]' } },
  playbacks: { Playback: { id: 'string', media_uri: 'string', target_uri: 'string', language: 'string', state: 'string' } },
  recordings: {
    LiveRecording: { name: 'string', format: 'string', state: 'string', target_uri: 'string', duration: 'int', cause: 'string' },
    StoredRecording: { name: 'string', format: 'string' },
  },
  applications: { Application: { name: 'string', channel_ids: 'List[string]', bridge_ids: 'List[string]', endpoint_ids: 'List[string]', device_names: 'List[string]' } },
  endpoints: { Endpoint: { technology: 'string', resource: 'string', state: 'string', channel_ids: 'List[string]' } },
  asterisk: { AsteriskInfo: { system: 'object' }, AsteriskPing: { asterisk_id: 'string', ping: 'string', timestamp: 'string' } },
  events: {
    Message: { type: 'string', asterisk_id: 'string' },
    Event: { application: 'string', timestamp: 'Date' },
    ...EVENT_MODELS,
  },
};

function toModel(id: string, props: Props) {
  return { id, properties: Object.fromEntries(Object.entries(props).map(([name, type]) => [name, { type, required: false }])) };
}

function toParam(param: string | Param) {
  const p: Param = typeof param === 'string' ? { name: param, paramType: 'query' } : param;
  return { name: p.name, paramType: p.paramType, required: p.required ?? false, allowMultiple: p.allowMultiple ?? false, dataType: p.dataType ?? 'string' };
}

export const RESOURCE_NAMES = Object.keys(OPERATIONS);

export function resourceListing(basePath: string) {
  return {
    apiVersion: '12.0.0',
    swaggerVersion: '1.1',
    basePath,
    apis: RESOURCE_NAMES.map((name) => ({ path: `/api-docs/${name}.{format}`, description: `${name} resources` })),
  };
}

export function apiDeclaration(resource: string, basePath: string) {
  const operations = OPERATIONS[resource];
  if (!operations) return null;
  const byPath = new Map<string, Operation[]>();
  for (const op of operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  return {
    apiVersion: '12.0.0',
    swaggerVersion: '1.1',
    basePath,
    resourcePath: `/api-docs/${resource}.{format}`,
    apis: [...byPath].map(([apiPath, ops]) => ({
      path: apiPath,
      operations: ops.map((op) => ({ httpMethod: op.method, nickname: op.nickname, responseClass: op.responseClass, parameters: (op.params ?? []).map(toParam) })),
    })),
    models: Object.fromEntries(Object.entries(MODELS[resource] ?? {}).map(([id, props]) => [id, toModel(id, props)])),
  };
}

/** Method + path of each operation, for answering 404 (unknown path) versus 405 (known path, other method). */
export function knownPaths(): Array<{ pattern: RegExp; methods: string[] }> {
  const all = new Map<string, Set<string>>();
  for (const ops of Object.values(OPERATIONS)) for (const op of ops) all.set(op.path, (all.get(op.path) ?? new Set()).add(op.method));
  return [...all].map(([p, methods]) => ({ pattern: new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+')}$`), methods: [...methods] }));
}
