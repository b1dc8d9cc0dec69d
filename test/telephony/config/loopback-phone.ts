import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';

/**
 * A minimal SIP phone over UDP for tests against a real Asterisk (no SIP tool is installed on
 * the machines): it registers with digest authentication, answers OPTIONS (qualify), and
 * treats incoming INVITEs as told: answer after a delay, busy (486), or ring until cancelled.
 * Once a call is up it sends G.711 silence every 20 ms: MixMonitor opens its file only with the
 * first audio frame, so a call without RTP is never recorded. It answers NOTIFYs with 200 and
 * keeps them (a provisioning reboot is a check-sync NOTIFY), and can transfer a call: blind
 * (REFER) or attended (REFER with Replaces, after a second, consultation call), as a desk phone's
 * transfer keys do.
 */
export type PhoneBehaviour = { kind: 'answer'; afterMs: number } | { kind: 'busy' } | { kind: 'ring' };

/** A NOTIFY the phone received (and answered 200). */
export interface ReceivedNotify {
  requestUri: string;
  event: string;
  contentType: string;
  body: string;
}

interface SipMessage {
  firstLine: string;
  headers: Array<[string, string]>;
  body: string;
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

function parse(raw: string): SipMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : '';
  const [firstLine, ...lines] = head.split('\r\n');
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT[name] ?? name, line.slice(colon + 1).trim()]);
  }
  return { firstLine, headers, body };
}

function header(m: SipMessage, name: string): string {
  return m.headers.find(([n]) => n === name)?.[1] ?? '';
}

function all(m: SipMessage, name: string): string[] {
  return m.headers.filter(([n]) => n === name).map(([, v]) => v);
}

function md5(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

function tag(): string {
  return randomBytes(6).toString('hex');
}

export class LoopbackPhone extends EventEmitter {
  behaviour: PhoneBehaviour = { kind: 'answer', afterMs: 300 };
  private socket = dgram.createSocket('udp4');
  private port = 0;
  /** RTP leaves from its own socket, the port the SDP offers and answers name. */
  private rtpSocket = dgram.createSocket('udp4');
  private rtpPort = 0;
  private media = new Map<string, NodeJS.Timeout>();
  readonly notifies: ReceivedNotify[] = [];
  /** Incoming calls answered and not ended yet (newest last), for hangupIncoming(). */
  private answeredIncoming: string[] = [];
  private cseq = 1;
  private readonly callId = `${tag()}@carillon-test`;
  private readonly fromTag = tag();
  private pending = new Map<string, (m: SipMessage) => void>();
  private timers = new Set<NodeJS.Timeout>();

  /** Its address: another loopback address (127.0.0.2) lets a trunk identified by IP coexist with phones on 127.0.0.1. */
  readonly host: string;

  constructor(
    readonly username: string,
    private readonly password: string,
    private readonly server: { host: string; port: number },
    options: { host?: string } = {},
  ) {
    super();
    this.host = options.host ?? '127.0.0.1';
  }

  async start(): Promise<void> {
    this.socket.on('message', (buf, from) => this.receive(parse(buf.toString('utf8')), { host: from.address, port: from.port }));
    await new Promise<void>((resolve) => this.socket.bind(0, this.host, () => resolve()));
    this.port = this.socket.address().port;
    this.rtpSocket.on('message', () => undefined);
    await new Promise<void>((resolve) => this.rtpSocket.bind(0, this.host, () => resolve()));
    this.rtpPort = this.rtpSocket.address().port;
  }

  /** The UDP port it listens on (0 before start()): where a trunk towards it points. */
  get localPort(): number {
    return this.port;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const callId of [...this.media.keys()]) this.stopMedia(callId);
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
    await new Promise<void>((resolve) => this.rtpSocket.close(() => resolve()));
  }

  /** REGISTER (with digest authentication); resolves with the final status code. */
  async register(expires = 300): Promise<number> {
    let response = await this.sendRegister(expires, null);
    if (response.firstLine.startsWith('SIP/2.0 401') || response.firstLine.startsWith('SIP/2.0 407')) {
      const challenges = [...all(response, 'www-authenticate'), ...all(response, 'proxy-authenticate')];
      const md5Challenge = challenges.find((c) => !/algorithm=/i.test(c) || /algorithm="?MD5"?(,|$|\s)/i.test(c)) ?? challenges[0];
      response = await this.sendRegister(expires, md5Challenge);
    }
    return Number(response.firstLine.split(' ')[1]);
  }

  private sendRegister(expires: number, challenge: string | null): Promise<SipMessage> {
    const uri = `sip:${this.server.host}:${this.server.port}`;
    const branch = `z9hG4bK${tag()}`;
    const cseq = this.cseq++;
    const lines = [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.host}:${this.port};rport;branch=${branch}`,
      'Max-Forwards: 70',
      `From: <sip:${this.username}@${this.server.host}>;tag=${this.fromTag}`,
      `To: <sip:${this.username}@${this.server.host}>`,
      `Call-ID: ${this.callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${this.username}@${this.host}:${this.port}>`,
      `Expires: ${expires}`,
      'User-Agent: carillon-loopback-phone',
    ];
    if (challenge) lines.push(`Authorization: ${this.authorization(challenge, 'REGISTER', uri)}`);
    const reply = new Promise<SipMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(branch);
        reject(new Error(`no answer to REGISTER from ${uri}`));
      }, 5000);
      this.timers.add(timer);
      this.pending.set(branch, (m) => {
        if (/^SIP\/2\.0 1\d\d/.test(m.firstLine)) return;
        clearTimeout(timer);
        this.pending.delete(branch);
        resolve(m);
      });
    });
    this.send(`${lines.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, this.server);
    return reply;
  }

  /**
   * Calls `number` (INVITE with digest authentication); resolves with the final status code once
   * the call is answered (then ACKed) or refused. `hangup()` ends an answered call with a BYE.
   */
  async call(number: string, timeoutMs = 60_000): Promise<number> {
    const uri = `sip:${number}@${this.server.host}:${this.server.port}`;
    const callId = `${tag()}@carillon-test`;
    const fromTag = tag();
    const offer = this.sdp('8 0', '8');
    let challenge: string | null = null;
    for (let attempt = 0; attempt < 2; attempt++) {
      const cseq = this.cseq++;
      const branch = `z9hG4bK${tag()}`;
      const common = [
        `Via: SIP/2.0/UDP ${this.host}:${this.port};rport;branch=${branch}`,
        'Max-Forwards: 70',
        `From: <sip:${this.username}@${this.server.host}>;tag=${fromTag}`,
        `To: <sip:${number}@${this.server.host}>`,
        `Call-ID: ${callId}`,
      ];
      const lines = [`INVITE ${uri} SIP/2.0`, ...common, `CSeq: ${cseq} INVITE`, `Contact: <sip:${this.username}@${this.host}:${this.port}>`, 'User-Agent: carillon-loopback-phone'];
      if (challenge) lines.push(`${challenge.startsWith('proxy') ? 'Proxy-Authorization' : 'Authorization'}: ${this.authorization(challenge.replace(/^proxy /, ''), 'INVITE', uri)}`);
      lines.push('Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(offer)}`, '', offer);
      const final = new Promise<SipMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(branch);
          reject(new Error(`no final answer to INVITE ${number}`));
        }, timeoutMs);
        this.timers.add(timer);
        this.pending.set(branch, (m) => {
          if (/^SIP\/2\.0 1\d\d/.test(m.firstLine)) return;
          clearTimeout(timer);
          this.pending.delete(branch);
          resolve(m);
        });
      });
      this.send(lines.join('\r\n'), this.server);
      const response = await final;
      const code = Number(response.firstLine.split(' ')[1]);
      const to = header(response, 'to');
      if (code >= 300) {
        // A non-2xx final answer is acknowledged within its transaction (same branch and CSeq).
        this.send([`ACK ${uri} SIP/2.0`, common[0], common[1], common[2], `To: ${to}`, common[4], `CSeq: ${cseq} ACK`, 'Content-Length: 0', '', ''].join('\r\n'), this.server);
        if ((code === 401 || code === 407) && !challenge) {
          const found = code === 401 ? all(response, 'www-authenticate') : all(response, 'proxy-authenticate');
          const md5Challenge = found.find((c) => !/algorithm=/i.test(c) || /algorithm="?MD5"?(,|$|\s)/i.test(c)) ?? found[0];
          challenge = code === 407 ? `proxy ${md5Challenge}` : md5Challenge;
          continue;
        }
        return code;
      }
      const remote = /<([^>]+)>/.exec(header(response, 'contact'))?.[1] ?? uri;
      this.outgoing.push({ callId, fromTag, to, remote, number });
      this.startMedia(callId, response.body);
      this.send(
        [`ACK ${remote} SIP/2.0`, `Via: SIP/2.0/UDP ${this.host}:${this.port};rport;branch=z9hG4bK${tag()}`, 'Max-Forwards: 70', common[2], `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ACK`, 'Content-Length: 0', '', ''].join('\r\n'),
        this.server,
      );
      return code;
    }
    return 401;
  }

  /** Ends an answered outgoing call (BYE), the newest unless `callId` names one; resolves with the answer's status code. */
  async hangup(callId?: string): Promise<number> {
    const dialog = callId ? this.outgoing.find((d) => d.callId === callId) : this.dialog;
    if (!dialog) throw new Error('no answered call to hang up');
    this.outgoing = this.outgoing.filter((d) => d !== dialog);
    this.stopMedia(dialog.callId);
    const branch = `z9hG4bK${tag()}`;
    const reply = new Promise<SipMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to BYE')), 5000);
      this.timers.add(timer);
      this.pending.set(branch, (m) => {
        clearTimeout(timer);
        this.pending.delete(branch);
        resolve(m);
      });
    });
    this.send(
      [
        `BYE ${dialog.remote} SIP/2.0`,
        `Via: SIP/2.0/UDP ${this.host}:${this.port};rport;branch=${branch}`,
        'Max-Forwards: 70',
        `From: <sip:${this.username}@${this.server.host}>;tag=${dialog.fromTag}`,
        `To: ${dialog.to}`,
        `Call-ID: ${dialog.callId}`,
        `CSeq: ${this.cseq++} BYE`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      this.server,
    );
    return Number((await reply).firstLine.split(' ')[1]);
  }

  /**
   * Blind transfer of the answered outgoing call to `number` (REFER in the dialog); resolves with
   * the answer's status code (202). Asterisk then reports the transfer's progress in NOTIFYs
   * (Event: refer, message/sipfrag); like a desk phone, this one hangs up (BYE) once the sipfrag
   * says the transfer succeeded. Asterisk itself would end the dialog only when the implicit
   * subscription expires, a minute later.
   */
  async transfer(number: string): Promise<number> {
    const extra = [`Refer-To: <sip:${number}@${this.server.host}:${this.server.port}>`, `Referred-By: <sip:${this.username}@${this.server.host}>`, `Contact: <sip:${this.username}@${this.host}:${this.port}>`];
    const dialog = this.dialog;
    if (dialog) return this.inDialog('REFER', dialog.remote, { callId: dialog.callId, from: `<sip:${this.username}@${this.server.host}>;tag=${dialog.fromTag}`, to: dialog.to, extra });
    // Else the answered incoming call (a callee passing its caller on).
    const callId = this.answeredIncoming.at(-1);
    const invite = callId ? this.invites.get(callId) : undefined;
    if (!callId || !invite) throw new Error('no answered call to transfer');
    return this.inDialog('REFER', this.remoteOf(invite.request), { callId, from: `${header(invite.request, 'to')};tag=${invite.toTag}`, to: header(invite.request, 'from'), extra });
  }

  /**
   * Attended transfer, as a desk phone does it once its consultation call (the newest outgoing
   * call, made after the first one) is answered: a REFER in the first call's dialog (an older
   * outgoing call, else the answered incoming one) whose Refer-To names the consultation call's
   * dialog in a Replaces parameter (RFC 3891: to-tag is the far end's tag, from-tag this phone's).
   * Resolves with the REFER's status code (202); like blind transfer(), the phone hangs up the
   * first call once the sipfrag says the transfer succeeded.
   */
  async attendedTransfer(): Promise<number> {
    const consultation = this.dialog;
    if (!consultation) throw new Error('no consultation call to transfer to');
    const toTag = /;tag=([^;>\s]+)/.exec(consultation.to)?.[1] ?? '';
    const replaces = `${consultation.callId};to-tag=${toTag};from-tag=${consultation.fromTag}`;
    const referTo = `<sip:${consultation.number}@${this.server.host}:${this.server.port}?Replaces=${encodeURIComponent(replaces)}>`;
    const extra = [`Refer-To: ${referTo}`, `Referred-By: <sip:${this.username}@${this.server.host}>`, `Contact: <sip:${this.username}@${this.host}:${this.port}>`];
    const first = this.outgoing.at(-2);
    if (first) return this.inDialog('REFER', first.remote, { callId: first.callId, from: `<sip:${this.username}@${this.server.host}>;tag=${first.fromTag}`, to: first.to, extra });
    const callId = this.answeredIncoming.at(-1);
    const invite = callId ? this.invites.get(callId) : undefined;
    if (!callId || !invite) throw new Error('no first call to transfer');
    return this.inDialog('REFER', this.remoteOf(invite.request), { callId, from: `${header(invite.request, 'to')};tag=${invite.toTag}`, to: header(invite.request, 'from'), extra });
  }

  private remoteOf(invite: SipMessage): string {
    return /<([^>]+)>/.exec(header(invite, 'contact'))?.[1] ?? `sip:${this.server.host}:${this.server.port}`;
  }

  /** Ends an answered incoming call (BYE from the callee's side), the newest unless `which` names one; resolves with the answer's status code. */
  async hangupIncoming(which?: string): Promise<number> {
    const callId = which ?? this.answeredIncoming.at(-1);
    this.answeredIncoming = this.answeredIncoming.filter((id) => id !== callId);
    const invite = callId ? this.invites.get(callId) : undefined;
    if (!callId || !invite) throw new Error('no answered incoming call to hang up');
    this.stopMedia(callId);
    return this.inDialog('BYE', this.remoteOf(invite.request), { callId, from: `${header(invite.request, 'to')};tag=${invite.toTag}`, to: header(invite.request, 'from'), extra: [] });
  }

  /** Whether a call (either direction) is still up. */
  get inCall(): boolean {
    return this.outgoing.length > 0 || this.answeredIncoming.length > 0;
  }

  private inDialog(method: string, requestUri: string, d: { callId: string; from: string; to: string; extra: string[] }): Promise<number> {
    const branch = `z9hG4bK${tag()}`;
    const reply = new Promise<SipMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(branch);
        reject(new Error(`no answer to ${method}`));
      }, 5000);
      this.timers.add(timer);
      this.pending.set(branch, (m) => {
        if (/^SIP\/2\.0 1\d\d/.test(m.firstLine)) return;
        clearTimeout(timer);
        this.pending.delete(branch);
        resolve(m);
      });
    });
    this.send(
      [
        `${method} ${requestUri} SIP/2.0`,
        `Via: SIP/2.0/UDP ${this.host}:${this.port};rport;branch=${branch}`,
        'Max-Forwards: 70',
        `From: ${d.from}`,
        `To: ${d.to}`,
        `Call-ID: ${d.callId}`,
        `CSeq: ${this.cseq++} ${method}`,
        ...d.extra,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      this.server,
    );
    return reply.then((m) => Number(m.firstLine.split(' ')[1]));
  }

  /** G.711 silence every 20 ms to the address and port of the other side's SDP, until stopMedia(). */
  private startMedia(callId: string, sdp: string): void {
    this.stopMedia(callId);
    const host = /c=IN IP4 ([\d.]+)/.exec(sdp)?.[1];
    const media = /m=audio (\d+) RTP\/AVP ([\d ]+)/.exec(sdp);
    if (!host || !media) return;
    const port = Number(media[1]);
    const pt = Number(media[2].split(' ').find((p) => p === '8' || p === '0') ?? '8');
    const ssrc = randomBytes(4).readUInt32BE(0);
    let seq = randomBytes(2).readUInt16BE(0);
    let timestamp = randomBytes(4).readUInt32BE(0);
    // A-law silence is 0xD5, µ-law silence 0xFF.
    const payload = Buffer.alloc(160, pt === 8 ? 0xd5 : 0xff);
    const timer = setInterval(() => {
      const packet = Buffer.alloc(12);
      packet[0] = 0x80;
      packet[1] = pt;
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE(timestamp >>> 0, 4);
      packet.writeUInt32BE(ssrc, 8);
      seq = (seq + 1) & 0xffff;
      timestamp = (timestamp + 160) >>> 0;
      this.rtpSocket.send(Buffer.concat([packet, payload]), port, host);
    }, 20);
    this.media.set(callId, timer);
  }

  private stopMedia(callId: string): void {
    const timer = this.media.get(callId);
    if (timer) clearInterval(timer);
    this.media.delete(callId);
  }

  /** Answered outgoing calls not ended yet, oldest first: an attended transfer has two. */
  private outgoing: Array<{ callId: string; fromTag: string; to: string; remote: string; number: string }> = [];

  /** The newest answered outgoing call. */
  private get dialog(): { callId: string; fromTag: string; to: string; remote: string; number: string } | null {
    return this.outgoing.at(-1) ?? null;
  }

  private sdp(payloads: string, first: string): string {
    const names: Record<string, string> = { '8': 'PCMA', '0': 'PCMU' };
    return [
      'v=0',
      `o=- ${Date.now()} 1 IN IP4 ${this.host}`,
      's=-',
      `c=IN IP4 ${this.host}`,
      't=0 0',
      `m=audio ${this.rtpPort} RTP/AVP ${payloads}`,
      ...payloads.split(' ').map((pt) => `a=rtpmap:${pt} ${names[pt] ?? names[first]}/8000`),
      'a=sendrecv',
      '',
    ].join('\r\n');
  }

  private authorization(challenge: string, method: string, uri: string): string {
    const param = (name: string) => new RegExp(`${name}="?([^",]*)"?`, 'i').exec(challenge)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const opaque = param('opaque');
    const qop = param('qop')
      .split(/[ ,]/)
      .includes('auth')
      ? 'auth'
      : '';
    const ha1 = md5(`${this.username}:${realm}:${this.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const cnonce = tag();
    const nc = '00000001';
    const response = qop ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    const parts = [`username="${this.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5'];
    if (opaque) parts.push(`opaque="${opaque}"`);
    if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
    return `Digest ${parts.join(', ')}`;
  }

  private send(text: string, to: { host: string; port: number }): void {
    this.socket.send(Buffer.from(text, 'utf8'), to.port, to.host);
  }

  /** Answers go back where the request came from (RFC 3581): its Via may name a NAT's public address. */
  private receive(m: SipMessage, source: { host: string; port: number }): void {
    if (m.firstLine.startsWith('SIP/2.0')) {
      const branch = /branch=([^;,\s]+)/.exec(header(m, 'via'))?.[1] ?? '';
      this.pending.get(branch)?.(m);
      return;
    }
    const method = m.firstLine.split(' ')[0];
    if (method === 'OPTIONS') this.respond(m, 200, 'OK', source);
    else if (method === 'INVITE') this.invite(m, source);
    else if (method === 'CANCEL') {
      this.respond(m, 200, 'OK', source);
      const invite = this.invites.get(header(m, 'call-id'));
      // Ringing only: a CANCEL crossing the 200 changes nothing (the caller then sends BYE).
      if (invite && !this.answeredIncoming.includes(header(m, 'call-id'))) this.respond(invite.request, 487, 'Request Terminated', source, invite.toTag);
      this.emit('cancelled', header(m, 'call-id'));
    } else if (method === 'BYE') {
      this.respond(m, 200, 'OK', source);
      const callId = header(m, 'call-id');
      this.stopMedia(callId);
      this.outgoing = this.outgoing.filter((d) => d.callId !== callId);
      this.answeredIncoming = this.answeredIncoming.filter((id) => id !== callId);
      this.emit('bye', callId);
    } else if (method === 'NOTIFY') {
      const notify: ReceivedNotify = { requestUri: m.firstLine.split(' ')[1] ?? '', event: header(m, 'event'), contentType: header(m, 'content-type'), body: m.body };
      this.notifies.push(notify);
      this.respond(m, 200, 'OK', source);
      const finalFrag = /^SIP\/2\.0 ([2-6])\d\d/.exec(notify.body.trim());
      if (/^refer/i.test(notify.event) && finalFrag?.[1] === '2') {
        const callId = header(m, 'call-id');
        if (this.outgoing.some((d) => d.callId === callId)) this.hangup(callId).catch((err: unknown) => this.emit('error', err));
        else if (this.answeredIncoming.includes(callId)) this.hangupIncoming(callId).catch((err: unknown) => this.emit('error', err));
      }
      this.emit('notify', notify);
    } else if (method === 'ACK') {
      // Nothing to do: the dialog is up (after 200) or over (after an error answer).
    } else this.respond(m, 501, 'Not Implemented', source);
  }

  private invites = new Map<string, { request: SipMessage; toTag: string }>();

  private invite(m: SipMessage, source: { host: string; port: number }): void {
    const callId = header(m, 'call-id');
    const known = this.invites.get(callId);
    if ((known || this.outgoing.some((d) => d.callId === callId)) && /;tag=/.test(header(m, 'to'))) {
      // A re-INVITE in an answered dialog (media update): accept it and follow the new address.
      const offered = /m=audio \d+ RTP\/AVP ([\d ]+)/.exec(m.body)?.[1].split(' ') ?? ['8'];
      const pt = offered.find((p) => p === '8' || p === '0') ?? '8';
      this.respond(m, 200, 'OK', source, undefined, this.sdp(pt, pt));
      if (this.media.has(callId)) this.startMedia(callId, m.body);
      return;
    }
    if (known) return; // a retransmission
    const toTag = tag();
    this.invites.set(callId, { request: m, toTag });
    // What a trunk's far end is shown of the caller: From and P-Asserted-Identity (send_pai).
    this.emit('invite', callId, { from: header(m, 'from'), pAssertedIdentity: header(m, 'p-asserted-identity') });
    const behaviour = this.behaviour;
    if (behaviour.kind === 'busy') {
      this.respond(m, 486, 'Busy Here', source, toTag);
      return;
    }
    this.respond(m, 180, 'Ringing', source, toTag);
    if (behaviour.kind === 'ring') return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const offered = /m=audio \d+ RTP\/AVP ([\d ]+)/.exec(m.body)?.[1].split(' ') ?? ['8'];
      const pt = offered.find((p) => p === '8' || p === '0') ?? '8';
      const sdp = this.sdp(pt, pt);
      this.respond(m, 200, 'OK', source, toTag, sdp);
      this.answeredIncoming.push(callId);
      this.startMedia(callId, m.body);
      this.emit('answered', callId);
    }, behaviour.afterMs);
    this.timers.add(timer);
  }

  private respond(m: SipMessage, code: number, reason: string, to: { host: string; port: number }, toTag?: string, sdp?: string): void {
    const toHeader = header(m, 'to');
    const lines = [`SIP/2.0 ${code} ${reason}`];
    for (const via of all(m, 'via')) lines.push(`Via: ${via}`);
    lines.push(`From: ${header(m, 'from')}`, `To: ${toTag && !/;tag=/.test(toHeader) ? `${toHeader};tag=${toTag}` : toHeader}`, `Call-ID: ${header(m, 'call-id')}`, `CSeq: ${header(m, 'cseq')}`);
    if (code >= 180 && code < 300) lines.push(`Contact: <sip:${this.username}@${this.host}:${this.port}>`);
    if (sdp) lines.push('Content-Type: application/sdp');
    lines.push(`Content-Length: ${Buffer.byteLength(sdp ?? '')}`, '', sdp ?? '');
    this.send(lines.join('\r\n'), to);
  }
}
