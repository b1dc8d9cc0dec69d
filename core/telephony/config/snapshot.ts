/**
 * Everything Asterisk's generated configuration is made from, as plain data. The telephony
 * resources (extensions, trunks, routes…) produce it from the database; the configuration
 * generator turns it into PJSIP and dialplan files. Neither side knows the other's internals.
 * Secrets are in clear here: the snapshot lives in memory only, on its way to files readable
 * by Asterisk alone.
 */
export type Codec = 'alaw' | 'ulaw' | 'g722' | 'opus' | 'g729';

export interface ForwardingRules {
  unconditional: string | null;
  busy: string | null;
  noAnswer: string | null;
  /** Seconds of ringing before the no-answer forward or voicemail. */
  noAnswerSeconds: number;
}

export interface ExtensionConfig {
  id: number;
  /** The internal number, e.g. "201". */
  number: string;
  name: string;
  sipUsername: string;
  sipPassword: string;
  codecs: Codec[];
  maxContacts: number;
  webrtc: boolean;
  voicemail: { enabled: boolean; email: string | null };
  recording: 'never' | 'always' | 'on_demand';
  /** Name of the restriction class applied to its outbound calls. */
  restrictionClass: string;
  outboundCallerId: string | null;
  doNotDisturb: boolean;
  forwarding: ForwardingRules;
}

export interface OperatorTrunkConfig {
  kind: 'operator';
  id: number;
  name: string;
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  username: string;
  password: string;
  fromDomain: string | null;
  fromUser: string | null;
  register: boolean;
  codecs: Codec[];
  maxChannels: number | null;
}

/** Another IPBX that connects to Carillon with credentials Carillon issued. */
export interface PeerTrunkConfig {
  kind: 'peer';
  id: number;
  name: string;
  username: string;
  password: string;
  /** Addresses it may connect from (CIDR); empty: any, authenticated. */
  allowedAddresses: string[];
  codecs: Codec[];
  maxChannels: number | null;
}

export type TrunkConfig = OperatorTrunkConfig | PeerTrunkConfig;

/** Where an inbound call or a condition branch goes. */
export type Destination =
  | { type: 'extension'; number: string }
  | { type: 'ringGroup'; number: string }
  | { type: 'voicemail'; number: string }
  | { type: 'hangup' }
  /** A destination a plugin registered: the call enters the Stasis application with this route. */
  | { type: 'application'; route: string; args: string[] }
  | { type: 'schedule'; scheduleId: number; open: Destination; closed: Destination };

export interface InboundRouteConfig {
  id: number;
  /** DID in E.164 (+33…), or null for the catch-all route. */
  did: string | null;
  /** Optional caller-number pattern (Asterisk syntax, e.g. "_+331X."). */
  callerPattern: string | null;
  destination: Destination;
  /** always: every answered call through the route is recorded; on_demand: the callee may start one (*3); never: only the extensions' own policies. */
  recording: 'never' | 'always' | 'on_demand';
}

export interface OutboundRouteConfig {
  id: number;
  name: string;
  /** Order of evaluation: lower first. */
  priority: number;
  /** Asterisk dial patterns such as "_0[1-9]XXXXXXXX". */
  patterns: string[];
  /** Digits removed from the front, then digits added. */
  stripDigits: number;
  prepend: string;
  /** always: every answered call through the route is recorded; on_demand: the caller may start one (*3); never: only the caller's own policy. */
  recording: 'never' | 'always' | 'on_demand';
  /** Trunk ids in failover order. */
  trunkIds: number[];
}

export interface RestrictionClassConfig {
  name: string;
  /** Dial patterns this class may not call (e.g. international, premium). */
  deniedPatterns: string[];
}

export interface RingGroupConfig {
  id: number;
  number: string;
  name: string;
  strategy: 'ring_all' | 'hunt';
  /** Extension numbers, in hunt order. */
  members: string[];
  ringSeconds: number;
  /** Where an unanswered call goes. */
  fallback: Destination;
}

export interface WeeklySlot {
  /** 1 = Monday … 7 = Sunday (ISO). */
  day: number;
  /** "HH:MM", local to the schedule's time zone. */
  open: string;
  close: string;
}

export interface ScheduleConfig {
  id: number;
  name: string;
  timeZone: string;
  weekly: WeeklySlot[];
  /** Closed days, ISO dates (public holidays and company closures). */
  holidays: string[];
  override: 'open' | 'closed' | null;
}

export interface TransportConfig {
  udpPort: number;
  tcpPort: number;
  /** WebSocket (WSS) for browsers: served by Asterisk's HTTP server behind the web UI's certificate. */
  wssEnabled: boolean;
  /**
   * Address Asterisk's SIP sockets bind to, as the administrator chose it; null until then, and then
   * no transport is generated: the first one Asterisk loads fixes its sockets until it restarts.
   */
  bindAddress: string | null;
  /** Public address and local networks for NAT traversal, when set. */
  externalAddress: string | null;
  localNetworks: string[];
}

export interface TelephonyConfigSnapshot {
  /** The Stasis application that receives application calls. */
  stasisApp: string;
  transports: TransportConfig;
  extensions: ExtensionConfig[];
  trunks: TrunkConfig[];
  inboundRoutes: InboundRouteConfig[];
  outboundRoutes: OutboundRouteConfig[];
  restrictionClasses: RestrictionClassConfig[];
  ringGroups: RingGroupConfig[];
  schedules: ScheduleConfig[];
}
