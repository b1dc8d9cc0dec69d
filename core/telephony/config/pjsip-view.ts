import type { Codec, ExtensionConfig, OperatorTrunkConfig, PeerTrunkConfig, TelephonyConfigSnapshot, TransportConfig } from './snapshot';
import * as v from './conf-values';

/** What the PJSIP templates print: every value already checked or escaped. */
export interface PjsipView {
  /** Null until the administrator chose the SIP bind address: no transport is written then. */
  transports: TransportsView | null;
  extensions: ExtensionEndpointView[];
  operatorTrunks: OperatorTrunkView[];
  peerTrunks: PeerTrunkView[];
}

export interface TransportsView {
  udpBind: string;
  tcpBind: string;
  wss: boolean;
  /** Present only when an operator trunk uses TLS. */
  tlsBind: string | null;
  nat: { externalAddress: string; localNetworks: string[] } | null;
}

export interface EndpointView {
  name: string;
  comment: string;
  username: string;
  password: string;
  allow: string;
}

export interface ExtensionEndpointView extends EndpointView {
  number: string;
  displayName: string;
  callerId: string;
  maxContacts: number;
  mailbox: string | null;
  /** The browser's own endpoint (`<name>-webrtc`, WSS, DTLS-SRTP), so desk phones keep plain RTP. */
  webrtc: EndpointView | null;
}

export interface OperatorTrunkView extends EndpointView {
  transport: string;
  hostPort: string;
  /** `\;transport=tcp` (escaped: a bare `;` starts a comment in pjsip.conf), empty for UDP. */
  uriParams: string;
  host: string;
  fromDomain: string | null;
  fromUser: string | null;
  register: boolean;
  clientUri: string;
  maxChannels: number;
}

export interface PeerTrunkView extends EndpointView {
  allowedAddresses: string[];
  maxChannels: number;
}

/** Carillon's extension names never collide with these, the generated non-extension sections. */
const RESERVED = /^(transport-|trunk-)/;

const CODECS: Record<Codec, string> = { alaw: 'alaw', ulaw: 'ulaw', g722: 'g722', opus: 'opus', g729: 'g729' };

function allow(field: string, codecs: Codec[]): string {
  if (!Array.isArray(codecs) || codecs.length === 0) throw new v.ConfigValueError(field, 'at least one codec is needed');
  return codecs
    .map((codec, i) => {
      const name = CODECS[codec];
      if (!name) throw new v.ConfigValueError(`${field}[${i}]`, `unknown codec ${JSON.stringify(codec)}`);
      return name;
    })
    .join(',');
}

export function transportsView(t: TransportConfig, needsTls: boolean): TransportsView | null {
  if (t.bindAddress === null) return null;
  const bind = v.ipAddress('transports.bindAddress', t.bindAddress);
  return {
    udpBind: v.hostPort(bind, v.port('transports.udpPort', t.udpPort)),
    tcpBind: v.hostPort(bind, v.port('transports.tcpPort', t.tcpPort)),
    wss: t.wssEnabled,
    // The snapshot has no TLS port: the standard SIP-over-TLS port.
    tlsBind: needsTls ? v.hostPort(bind, 5061) : null,
    nat: t.externalAddress
      ? {
          externalAddress: v.host('transports.externalAddress', t.externalAddress),
          localNetworks: t.localNetworks.map((n, i) => v.cidr(`transports.localNetworks[${i}]`, n)),
        }
      : null,
  };
}

export function extensionView(e: ExtensionConfig, i: number, wssEnabled: boolean): ExtensionEndpointView {
  const at = `extensions[${i}]`;
  const name = v.sectionName(`${at}.sipUsername`, e.sipUsername);
  if (RESERVED.test(name)) throw new v.ConfigValueError(`${at}.sipUsername`, 'must not start with "transport-" or "trunk-"');
  const number = v.internalNumber(`${at}.number`, e.number);
  const displayName = v.displayText(`${at}.name`, e.name);
  const password = v.secret(`${at}.sipPassword`, e.sipPassword);
  const codecs = allow(`${at}.codecs`, e.codecs);
  const comment = `${number} ${displayName}`.trim();
  return {
    name,
    comment,
    username: name,
    password,
    allow: codecs,
    number,
    displayName,
    callerId: `"${displayName}" <${number}>`,
    maxContacts: v.integer(`${at}.maxContacts`, e.maxContacts, 1, 20),
    mailbox: e.voicemail.enabled ? `${number}@carillon` : null,
    // Without the WSS transport a browser cannot connect: no browser endpoint then.
    webrtc: e.webrtc && wssEnabled ? { name: `${name}-webrtc`, comment: `${comment} (browser)`, username: `${name}-webrtc`, password, allow: codecs } : null,
  };
}

export function operatorTrunkView(t: OperatorTrunkConfig, i: number): OperatorTrunkView {
  const at = `trunks[${i}]`;
  const host = v.host(`${at}.host`, t.host);
  const username = v.sipUser(`${at}.username`, t.username);
  const fromDomain = t.fromDomain === null ? null : v.host(`${at}.fromDomain`, t.fromDomain);
  if (!['udp', 'tcp', 'tls'].includes(t.transport)) throw new v.ConfigValueError(`${at}.transport`, `expected udp, tcp or tls; got ${JSON.stringify(t.transport)}`);
  const hostPort = v.hostPort(host, v.port(`${at}.port`, t.port));
  return {
    name: `trunk-${v.integer(`${at}.id`, t.id, 1, Number.MAX_SAFE_INTEGER)}`,
    comment: v.displayText(`${at}.name`, t.name),
    username,
    password: v.secret(`${at}.password`, t.password),
    allow: allow(`${at}.codecs`, t.codecs),
    transport: `transport-${t.transport}`,
    hostPort,
    uriParams: t.transport === 'udp' ? '' : `\\;transport=${t.transport}`,
    host,
    fromDomain,
    fromUser: t.fromUser === null ? null : v.sipUser(`${at}.fromUser`, t.fromUser),
    register: t.register,
    clientUri: `sip:${username}@${fromDomain ?? hostPort}`,
    maxChannels: t.maxChannels === null ? 0 : v.integer(`${at}.maxChannels`, t.maxChannels, 1, 10_000),
  };
}

export function peerTrunkView(t: PeerTrunkConfig, i: number): PeerTrunkView {
  const at = `trunks[${i}]`;
  // The peer registers and calls as this user: endpoint, aor and auth carry its name so that
  // Asterisk's default identification (From user = endpoint name) finds it.
  const name = v.sectionName(`${at}.username`, t.username);
  if (RESERVED.test(name)) throw new v.ConfigValueError(`${at}.username`, 'must not start with "transport-" or "trunk-"');
  return {
    name,
    comment: v.displayText(`${at}.name`, t.name),
    username: name,
    password: v.secret(`${at}.password`, t.password),
    allow: allow(`${at}.codecs`, t.codecs),
    allowedAddresses: t.allowedAddresses.map((a, j) => v.cidr(`${at}.allowedAddresses[${j}]`, a)),
    maxChannels: t.maxChannels === null ? 0 : v.integer(`${at}.maxChannels`, t.maxChannels, 1, 10_000),
  };
}

export function pjsipView(snapshot: TelephonyConfigSnapshot): PjsipView {
  const extensions = snapshot.extensions.map((e, i) => extensionView(e, i, snapshot.transports.wssEnabled));
  const operatorTrunks: OperatorTrunkView[] = [];
  const peerTrunks: PeerTrunkView[] = [];
  snapshot.trunks.forEach((trunk, i) => {
    if (trunk.kind === 'operator') operatorTrunks.push(operatorTrunkView(trunk, i));
    else if (trunk.kind === 'peer') peerTrunks.push(peerTrunkView(trunk, i));
    else throw new v.ConfigValueError(`trunks[${i}].kind`, `expected operator or peer; got ${JSON.stringify((trunk as { kind: unknown }).kind)}`);
  });
  const names = new Map<string, string>();
  const claim = (name: string, owner: string) => {
    const previous = names.get(name);
    if (previous) throw new v.ConfigValueError(owner, `the SIP name "${name}" is already used by ${previous}`);
    names.set(name, owner);
  };
  extensions.forEach((e, i) => {
    claim(e.name, `extensions[${i}]`);
    if (e.webrtc) claim(e.webrtc.name, `extensions[${i}] (browser endpoint)`);
  });
  for (const t of operatorTrunks) claim(t.name, `trunk ${t.name}`);
  for (const t of peerTrunks) claim(t.name, `trunk ${t.name}`);
  return {
    transports: transportsView(snapshot.transports, operatorTrunks.some((t) => t.transport === 'transport-tls')),
    extensions,
    operatorTrunks,
    peerTrunks,
  };
}
