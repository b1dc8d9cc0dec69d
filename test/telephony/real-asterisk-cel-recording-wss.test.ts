import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { WebSocket } from 'ws';
import { CallRecord } from '../../core/calls/call-models';
import type { LoopbackPhone } from './config/loopback-phone';
import { ari, log, pause, poll, readCel, realAsterisk, secondOf, showLogsOfFailure, skipUnless, startLab, stopLab, type Lab } from './real-asterisk-lab';

// Opt-in: the parts of the telephony issue built after the first real-Asterisk run (CEL ingestion,
// route recording, WSS for browsers, phone reboot), against a real Asterisk 22 with the skeleton of
// appliance/asterisk (see its README, "Running the opt-in suite"). Needs the variables of the
// end-to-end part of real-asterisk.test.ts (ARI, CONFIG_DIR, CDR, SIP), and per case:
//   CARILLON_TEST_ASTERISK_CEL: cel_custom's <astlogdir>/cel-custom/carillon.json (CEL cases).
//   CARILLON_TEST_ASTERISK_SPOOL: a folder the Asterisk under test writes MixMonitor files into and
//     Carillon reads (same machine): telephony.recordingsSpoolDir (recording case).
//   CARILLON_TEST_ASTERISK_WSS: host:port of http.conf's TLS server, e.g. 127.0.0.1:8089 (WSS case).
const { celFile, spoolDir, wss, configDir, operatorHost: OPERATOR_HOST } = realAsterisk;
const celOf = (linkedid: string) => readCel([linkedid]);

describe('Real Asterisk (opt-in): CEL, route recording, WSS and phone reboot', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  const since = new Date(Date.now() - 1000);
  // Numbers and SIP users unlikely to exist on the Asterisk under test.
  const [callee, caller, target] = ['881', '882', '883'];
  const did = '+33100000881';
  const phoneOf = (number: string) => lab!.phoneOf(number);
  /** This run's call-log rows (database: the API does not show seenCel) for a destination, started after `after`. */
  const rowsTo = (destination: string, after: Date) => CallRecord.findAll({ where: { destination, startAt: { [Op.gte]: after } }, order: [['startAt', 'ASC']] });
  let t: Lab['t'];
  let admin: Lab['admin'];
  let extensions: Lab['extensions'];
  let operator: LoopbackPhone;
  let cleanup: string[];

  before(async function () {
    await startLab(this, { name: 'cel-recording-wss', numbers: [callee, caller, target], webrtc: [target], did, inboundRecording: 'always', spoolDir }, (started) => (lab = started));
    ({ t, admin, extensions, operator, cleanup } = lab!);
  });

  afterEach(function () {
    showLogsOfFailure(this, lab);
  });

  after(() => stopLab(lab));

  it('CEL: an answered call is logged from cel_custom with the bridged time as talk time', async function () {
    skipUnless(this, celFile, 'CARILLON_TEST_ASTERISK_CEL');
    const start = secondOf(new Date());
    phoneOf(callee).behaviour = { kind: 'answer', afterMs: 1500 };
    expect(await phoneOf(caller).call(callee)).to.equal(200);
    await pause(3000);
    expect(await phoneOf(caller).hangup()).to.equal(200);
    const [row] = await poll('the row seen in CEL', async () => {
      const rows = await rowsTo(callee, start);
      return rows.length && rows.every((r) => r.seenCel) ? rows : null;
    });
    expect(row).to.include({ status: 'answered', direction: 'internal', callerNumber: caller });
    const cel = celOf(row!.callKey);
    const types = cel.map((r) => r.eventtype);
    expect(types).to.include.members(['CHAN_START', 'ANSWER', 'BRIDGE_ENTER', 'BRIDGE_EXIT', 'LINKEDID_END']);
    // Bridged time (first BRIDGE_ENTER to last BRIDGE_EXIT), not the 1.5 s of ringing.
    const at = (type: string, pick: 'first' | 'last') => {
      const found = cel.filter((r) => r.eventtype === type).map((r) => Number(r.eventtime) * 1000);
      return pick === 'first' ? Math.min(...found) : Math.max(...found);
    };
    const bridged = (at('BRIDGE_EXIT', 'last') - at('BRIDGE_ENTER', 'first')) / 1000;
    expect(bridged).to.be.within(2, 4);
    expect(row!.talkSeconds).to.be.within(Math.floor(bridged) - 1, Math.ceil(bridged));
    expect(row!.durationSeconds).to.be.at.least(row!.talkSeconds + 1);
  });

  it('CEL: a busy extension is logged as busy', async function () {
    skipUnless(this, celFile, 'CARILLON_TEST_ASTERISK_CEL');
    const start = secondOf(new Date());
    phoneOf(callee).behaviour = { kind: 'busy' };
    expect(await phoneOf(caller).call(callee)).to.equal(486);
    const rows = await poll('the busy row seen in CEL', async () => {
      const found = await rowsTo(callee, start);
      return found.length && found.every((r) => r.seenCel) ? found : null;
    });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'busy', direction: 'internal', talkSeconds: 0 });
    expect(celOf(rows[0]!.callKey).map((r) => r.eventtype)).to.include('LINKEDID_END');
  });

  it('CEL: a blind transfer (REFER) is logged once with transferredTo', async function () {
    skipUnless(this, celFile, 'CARILLON_TEST_ASTERISK_CEL');
    const start = secondOf(new Date());
    phoneOf(callee).behaviour = { kind: 'answer', afterMs: 300 };
    phoneOf(target).behaviour = { kind: 'answer', afterMs: 300 };
    // 882 calls 881, then sends 881 on to 883 and leaves.
    expect(await phoneOf(caller).call(callee)).to.equal(200);
    await pause(1500);
    expect(await phoneOf(caller).transfer(target)).to.equal(202);
    log('transfer accepted');
    // 882 hangs up once Asterisk's NOTIFY says the transfer went through.
    await poll('882 out of the call', async () => !phoneOf(caller).inCall, 10_000);
    log('882 left');
    await poll('883 answered', async () => phoneOf(target).inCall);
    log('883 answered');
    await pause(2000);
    expect(await phoneOf(target).hangupIncoming()).to.equal(200);
    log('883 hung up');
    const rows = await poll('the transferred row seen in CEL', async () => {
      const found = await rowsTo(callee, start);
      return found.length && found.every((r) => r.seenCel) && found.some((r) => r.transferredTo) ? found : null;
    });
    expect(rows, JSON.stringify(rows.map((r) => r.toJSON()))).to.have.length(1);
    expect(rows[0]).to.include({ status: 'answered', transferredTo: target, callerNumber: caller });
    expect(celOf(rows[0]!.callKey).map((r) => r.eventtype)).to.include('BLINDTRANSFER');
    const api = (await admin.get('/api/calls?limit=50')).body.items.find((r: { destination: string; transferredTo: string }) => r.destination === callee && r.transferredTo === target);
    expect(api, 'transferredTo in the API').to.exist;
  });

  it('CEL: an inbound call that the extension blind-transfers (REFER) reaches the target, logged once with transferredTo', async function () {
    skipUnless(this, celFile, 'CARILLON_TEST_ASTERISK_CEL');
    const start = secondOf(new Date());
    phoneOf(callee).behaviour = { kind: 'answer', afterMs: 300 };
    phoneOf(target).behaviour = { kind: 'answer', afterMs: 300 };
    expect(await operator.call(did)).to.equal(200);
    await pause(1500);
    // 881 sends its caller (the operator's channel) on to 883, then leaves.
    expect(await phoneOf(callee).transfer(target)).to.equal(202);
    await poll('881 out of the call', async () => !phoneOf(callee).inCall, 10_000);
    // Before the fix of carillon-transferred, the operator's channel was hung up here (21): it has no CARILLON_CALLER.
    await poll('883 answered the transferred call', async () => phoneOf(target).inCall, 10_000);
    await pause(2000);
    expect(await operator.hangup()).to.equal(200);
    const rows = await poll('the transferred inbound row seen in CEL', async () => {
      const found = await CallRecord.findAll({ where: { startAt: { [Op.gte]: start }, direction: 'inbound' } });
      return found.length && found.every((r) => r.seenCel) && found.some((r) => r.transferredTo) ? found : null;
    });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'answered', destination: callee, transferredTo: target, callerNumber: 'operator' });
    // Talk time counts both conversations (881, then 883): about 1.5 s + 2 s.
    expect(rows[0]!.talkSeconds).to.be.within(3, 5);
  });

  it('an inbound route with recording=always: MixMonitor file -> MP3 attached to the call-log row, playable', async function () {
    skipUnless(this, spoolDir, 'CARILLON_TEST_ASTERISK_SPOOL');
    const start = secondOf(new Date());
    phoneOf(callee).behaviour = { kind: 'answer', afterMs: 500 };
    expect(await operator.call(did)).to.equal(200);
    await pause(4000);
    expect(await operator.hangup()).to.equal(200);
    const row = await poll(
      'the row with its recording',
      async () => {
        const page = await admin.get('/api/calls?limit=50');
        return (page.body.items as Array<{ destination: string; direction: string; startedAt: string; recordings: Array<{ url: string; bytes: number }> }>).find(
          (r) => r.destination === callee && r.direction === 'inbound' && new Date(r.startedAt) >= start && r.recordings.length > 0,
        );
      },
      45_000,
    );
    expect(row).to.include({ status: 'answered' });
    expect(row.recordings).to.have.length(1);
    // About 4 s of 16 kbit/s MP3: 8 kB.
    expect(row.recordings[0]!.bytes).to.be.within(4000, 16000);
    // Raw fetches: the API client decodes bodies as text.
    const whole = await fetch(`${t.url}${row.recordings[0]!.url}`, { headers: { cookie: admin.cookie ?? '' } });
    expect(whole.status).to.equal(200);
    expect(whole.headers.get('content-type')).to.match(/audio\/mpeg/);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).to.equal(row.recordings[0]!.bytes);
    // An MPEG audio frame sync (or an ID3 tag) at the start.
    expect(bytes[0] === 0xff || bytes.subarray(0, 3).toString() === 'ID3').to.equal(true);
    const part = await fetch(`${t.url}${row.recordings[0]!.url}`, { headers: { cookie: admin.cookie ?? '', range: 'bytes=0-99' } });
    expect(part.status).to.equal(206);
    expect(Buffer.from(await part.arrayBuffer()).length).to.equal(100);
    // The WAV left the spool.
    expect(fs.readdirSync(spoolDir!).filter((f) => f.endsWith('.wav') && fs.statSync(path.join(spoolDir!, f)).mtime >= start)).to.deep.equal([]);
  });

  it('an outbound route with recording=always: the call through the trunk is recorded and attached to its row', async function () {
    skipUnless(this, spoolDir, 'CARILLON_TEST_ASTERISK_SPOOL');
    const { trunkId } = lab!;
    const route = await admin.post('/api/telephony/outbound-routes', { name: 'Carillon test out 3', priority: 1, patterns: ['_0X.'], trunkIds: [trunkId], recording: 'always' });
    expect(route.status, route.text).to.equal(201);
    cleanup.unshift(`/api/telephony/outbound-routes/${route.body.id}`);
    const dialplan = path.join(configDir!, 'extensions-carillon.conf');
    await poll('the route in the dialplan', async () => fs.readFileSync(dialplan, 'utf8').includes(`[carillon-route-${route.body.id}-trunks]`));
    await pause(1500);
    const start = secondOf(new Date());
    operator.behaviour = { kind: 'answer', afterMs: 300 };
    expect(await phoneOf(caller).call('0612345678')).to.equal(200);
    await pause(4000);
    expect(await phoneOf(caller).hangup()).to.equal(200);
    const row = await poll(
      'the outbound row with its recording',
      async () => {
        const page = await admin.get('/api/calls?limit=50');
        return (page.body.items as Array<{ destination: string; direction: string; startedAt: string; status: string; recordings: Array<{ url: string; bytes: number }> }>).find(
          (r) => r.direction === 'outbound' && r.destination === '0612345678' && new Date(r.startedAt) >= start && r.recordings.length > 0,
        );
      },
      45_000,
    );
    expect(row).to.include({ status: 'answered' });
    expect(row.recordings[0]!.bytes).to.be.within(4000, 16000);
    const part = await fetch(`${t.url}${row.recordings[0]!.url}`, { headers: { cookie: admin.cookie ?? '', range: 'bytes=100-199' } });
    expect(part.status).to.equal(206);
    expect(part.headers.get('content-range')).to.equal(`bytes 100-199/${row.recordings[0]!.bytes}`);
  });

  it('WSS: the TLS WebSocket (subprotocol sip) accepts browsers, and the WebRTC endpoint loads', async function () {
    skipUnless(this, wss, 'CARILLON_TEST_ASTERISK_WSS');
    const socket = new WebSocket(`wss://${wss}/ws`, 'sip', { rejectUnauthorized: false });
    const protocol = await new Promise<string>((resolve, reject) => {
      socket.once('open', () => resolve(socket.protocol));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    expect(protocol).to.equal('sip');
    const webrtc = `${phoneOf(target).username}-webrtc`;
    const generated = fs.readFileSync(path.join(configDir!, 'pjsip-extensions.conf'), 'utf8');
    expect(generated).to.include(`[${webrtc}]`).and.to.include('webrtc=yes');
    expect(fs.readFileSync(path.join(configDir!, 'pjsip-transports.conf'), 'utf8')).to.include('[transport-wss]');
    const endpoints = (await ari('GET', '/endpoints')).body as Array<{ technology: string; resource: string }>;
    expect(endpoints.map((e) => `${e.technology}/${e.resource}`)).to.include(`PJSIP/${webrtc}`);
    // A browser registers over that socket as the WebRTC endpoint (SIP over WebSocket, RFC 7118).
    // The browser endpoint shares the extension's SIP password (core/telephony/config/pjsip-view.ts).
    const secret = (await admin.post(`/api/telephony/extensions/${extensions[2]!.id}/sip-secret/reveal`, {})).body as { sipPassword: string };
    const code = await registerOverWebSocket(socket, webrtc, secret.sipPassword);
    socket.close();
    expect(code).to.equal(200);
  });

  it('provisioning reboot: POST /devices/:id/reboot sends a check-sync NOTIFY to the registered phone', async () => {
    const ext = extensions[0]!;
    const created = await admin.post('/api/provisioning/devices', { mac: 'c0:74:ad:00:08:81', model: 'GRP2614', extensionIds: [ext.id] });
    expect(created.status, created.text).to.equal(201);
    cleanup.unshift(`/api/provisioning/devices/${created.body.id}`);
    const phone = phoneOf(callee);
    const before = phone.notifies.length;
    const res = await admin.post(`/api/provisioning/devices/${created.body.id}/reboot`);
    expect(res.status, res.text).to.equal(202);
    expect(res.body).to.include({ endpoint: ext.sipUsername });
    const notify = await poll('the NOTIFY', async () => phone.notifies.slice(before).find((n) => /check-sync/i.test(n.event)), 10_000);
    expect(notify.event).to.match(/^check-sync/i);
    expect(notify.requestUri).to.include(`:${phone.localPort}`);
    // No call is left in the application nor logged.
    await pause(1000);
    expect((await ari('GET', '/applications/carillon')).body.channel_ids).to.deep.equal([]);
  });
});

/** REGISTER with digest authentication over an open SIP WebSocket, as a browser's SIP stack does; resolves with the final status code. */
async function registerOverWebSocket(socket: WebSocket, user: string, secret: string): Promise<number> {
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const host = 'carillon.invalid';
  const callId = randomBytes(8).toString('hex');
  const fromTag = randomBytes(4).toString('hex');
  const send = (cseq: number, authorization: string | null) => {
    const lines = [
      `REGISTER sip:${host} SIP/2.0`,
      `Via: SIP/2.0/WSS ${host};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${host}>;tag=${fromTag}`,
      `To: <sip:${user}@${host}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@${host};transport=ws>;expires=60`,
      'Expires: 60',
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ];
    socket.send(lines.join('\r\n'));
  };
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer over the WebSocket')), 5000);
      socket.once('close', (code) => reject(new Error(`WebSocket closed (${code})`)));
      const onMessage = (data: Buffer) => {
        const text = data.toString('utf8');
        log(`WSS <- ${text.split('\r\n')[0]}`);
        // Only final answers to this REGISTER (Asterisk may send requests over the socket too).
        if (!/^SIP\/2\.0 [2-6]\d\d/.test(text) || !/^CSeq:\s*\d+ REGISTER/im.test(text)) return;
        clearTimeout(timer);
        socket.off('message', onMessage);
        resolve(text);
      };
      socket.on('message', onMessage);
    });
  let answer = next();
  send(1, null);
  let text = await answer;
  if (/^SIP\/2\.0 401/.test(text)) {
    const challenge = /WWW-Authenticate:\s*(.+)/i.exec(text.split('\r\n').find((l) => /^WWW-Authenticate:.*algorithm=MD5/i.test(l)) ?? text)?.[1] ?? '';
    const param = (name: string) => new RegExp(`${name}="?([^",]*)"?`, 'i').exec(challenge)?.[1] ?? '';
    const uri = `sip:${host}`;
    const cnonce = randomBytes(4).toString('hex');
    const ha1 = md5(`${user}:${param('realm')}:${secret}`);
    const response = md5(`${ha1}:${param('nonce')}:00000001:${cnonce}:auth:${md5(`REGISTER:${uri}`)}`);
    answer = next();
    send(
      2,
      `Digest username="${user}", realm="${param('realm')}", nonce="${param('nonce')}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"${param('opaque') ? `, opaque="${param('opaque')}"` : ''}`,
    );
    text = await answer;
  }
  // The contact (60 s) goes with the socket: Asterisk removes contacts of a closed WebSocket.
  return Number(text.split(' ')[1]);
}
