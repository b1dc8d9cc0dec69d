import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { WebSocket } from 'ws';
import { CallRecord } from '../../core/calls/call-models';
import type { ApiClient } from '../support/api-client';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { LoopbackPhone } from './config/loopback-phone';

// Opt-in: the parts of the telephony issue built after the first real-Asterisk run (CEL ingestion,
// route recording, WSS for browsers, phone reboot), against a real Asterisk 22 with the skeleton of
// appliance/asterisk (see its README, "Running the opt-in suite"). Needs the variables of the
// end-to-end part of real-asterisk.test.ts (ARI, CONFIG_DIR, CDR, SIP), and per case:
//   CARILLON_TEST_ASTERISK_CEL: cel_custom's <astlogdir>/cel-custom/carillon.json (CEL cases).
//   CARILLON_TEST_ASTERISK_SPOOL: a folder the Asterisk under test writes MixMonitor files into and
//     Carillon reads (same machine): telephony.recordingsSpoolDir (recording case).
//   CARILLON_TEST_ASTERISK_WSS: host:port of http.conf's TLS server, e.g. 127.0.0.1:8089 (WSS case).
// The operator trunk's far end listens on 127.0.0.2: Asterisk identifies a trunk by its address,
// so the phones (on 127.0.0.1) are still identified by their SIP user.
const url = process.env.CARILLON_TEST_ARI_URL;
const username = process.env.CARILLON_TEST_ARI_USER;
const password = process.env.CARILLON_TEST_ARI_PASSWORD;
const configDir = process.env.CARILLON_TEST_ASTERISK_CONFIG_DIR;
const cdrFile = process.env.CARILLON_TEST_ASTERISK_CDR;
const celFile = process.env.CARILLON_TEST_ASTERISK_CEL;
const spoolDir = process.env.CARILLON_TEST_ASTERISK_SPOOL;
const wss = process.env.CARILLON_TEST_ASTERISK_WSS;
const [sipHost, sipPort] = (process.env.CARILLON_TEST_SIP ?? '127.0.0.1:5060').split(':');
const OPERATOR_HOST = '127.0.0.2';
const log = (what: string) => process.env.CARILLON_TEST_DEBUG && process.stdout.write(`    ${new Date().toISOString()} ${what}\n`);

/** A CEL record as cel_custom's JSON format writes it (Asterisk 22.9: lower-case keys, epoch eventtime, eventextra a JSON string). */
type CelLine = { eventtype: string; eventtime: string; linkedid: string; uniqueid: string; channame: string; eventextra: string };

/** The CEL records of one call (linkedid) in cel_custom's file. */
function celOf(linkedid: string): CelLine[] {
  return fs
    .readFileSync(celFile!, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CelLine)
    .filter((r) => r.linkedid === linkedid);
}

describe('Real Asterisk (opt-in): CEL, route recording, WSS and phone reboot', function () {
  this.timeout(90_000);
  let t: TestApp;
  let admin: ApiClient;
  const phones: LoopbackPhone[] = [];
  const extensions: Array<{ id: number; number: string; sipUsername: string }> = [];
  /** API paths to delete at the end, in this order (devices, then routes, then the trunk: what refers to something goes first). */
  const cleanup: string[] = [];
  const since = new Date(Date.now() - 1000);
  // Numbers and SIP users unlikely to exist on the Asterisk under test.
  const [callee, caller, target] = ['881', '882', '883'];
  const did = '+33100000881';
  let operator: LoopbackPhone;

  const skipUnless = (ctx: Mocha.Context, value: string | undefined, variable: string) => {
    if (value) return;
    process.stdout.write(`  skipped: set ${variable} to run it\n`);
    ctx.skip();
  };
  const ari = async (method: string, resource: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${url!.replace(/\/$/, '')}/ari${resource}`, { method, headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const poll = async <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const phoneOf = (number: string) => phones[[callee, caller, target].indexOf(number)]!;
  /** This run's call-log rows (database: the API does not show seenCel) for a destination, started after `after`. */
  const rowsTo = (destination: string, after: Date) => CallRecord.findAll({ where: { destination, startAt: { [Op.gte]: after } }, order: [['startAt', 'ASC']] });
  /** Asterisk's clock has a one-second resolution in CEL/CDR: a call starts no earlier than the second it was made in. */
  const secondOf = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);

  before(async function () {
    if (!url || !username || !password || !configDir || !cdrFile) {
      process.stdout.write(
        '  real-asterisk CEL, recording, WSS and reboot scenarios skipped: set CARILLON_TEST_ARI_URL, CARILLON_TEST_ARI_USER, CARILLON_TEST_ARI_PASSWORD, CARILLON_TEST_ASTERISK_CONFIG_DIR and CARILLON_TEST_ASTERISK_CDR to run them\n',
      );
      this.skip();
    }
    const dataDir = tempDir('carillon-real-asterisk-3-');
    t = await startTestApp({
      dataDir,
      overrides: {
        log: { level: 'info' },
        provisioning: { tftp: { host: '127.0.0.1', port: 0 } },
        telephony: {
          configDir,
          cdrFile,
          ...(celFile ? { celFile } : {}),
          recordingsSpoolDir: spoolDir ?? path.join(dataDir, 'spool'),
          ari: { url, username, password, requestTimeoutMs: 5000 },
        },
      },
    });
    admin = await t.adminClient();
    await poll('ARI connected', async () => t.app.cradle.telephony.connected);
    const settings = await admin.patch('/api/telephony/settings', { transports: { bindAddress: sipHost, udpPort: Number(sipPort), tcpPort: Number(sipPort) } });
    expect(settings.status, settings.text).to.equal(200);
    for (const number of [callee, caller, target]) {
      const res = await admin.post('/api/telephony/extensions', { number, name: `Carillon test ${number}`, codecs: ['alaw', 'ulaw'], webrtc: number === target });
      expect(res.status, res.text).to.equal(201);
      extensions.push(res.body);
    }
    for (const e of extensions) await poll(`endpoint ${e.number} in Asterisk`, async () => (await ari('GET', `/endpoints/PJSIP/${e.sipUsername}`)).status === 200);
    for (const e of extensions) {
      const secret = (await admin.post(`/api/telephony/extensions/${e.id}/sip-secret/reveal`, {})).body as { sipUsername: string; sipPassword: string };
      const phone = new LoopbackPhone(secret.sipUsername, secret.sipPassword, { host: sipHost, port: Number(sipPort) });
      await phone.start();
      phones.push(phone);
      // Retried: ARI still lists an endpoint of an earlier run (offline) until Asterisk restarts, so
      // its presence does not prove that res_pjsip was reloaded with this run's password yet.
      await poll(`REGISTER ${e.number} answered 200`, async () => (await phone.register(300)) === 200, 10_000);
    }
    // The operator: answers every call (on 127.0.0.2, so that identify-by-address picks only it).
    operator = new LoopbackPhone('operator', 'unused', { host: sipHost, port: Number(sipPort) }, { host: OPERATOR_HOST });
    await operator.start();
    const trunk = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Carillon test operator 3', host: OPERATOR_HOST, port: operator.localPort, transport: 'udp', username: 'carillon-test-3', password: 'carillon-test-secret', register: false });
    expect(trunk.status, trunk.text).to.equal(201);
    cleanup.push(`/api/telephony/trunks/${trunk.body.id}`);
    const inbound = await admin.post('/api/telephony/inbound-routes', { did, destination: { type: 'extension', extensionId: extensions[0]!.id }, recording: 'always' });
    expect(inbound.status, inbound.text).to.equal(201);
    cleanup.unshift(`/api/telephony/inbound-routes/${inbound.body.id}`);
    const dialplan = path.join(configDir!, 'extensions-carillon.conf');
    await poll('the inbound route in the dialplan', async () => fs.readFileSync(dialplan, 'utf8').includes(`carillon-inbound-${inbound.body.id}]`));
    await poll('the trunk in the PJSIP configuration', async () => fs.readFileSync(path.join(configDir!, 'pjsip-trunks.conf'), 'utf8').includes(`match=${OPERATOR_HOST}`));
    // The files are written before res_pjsip and pbx_config are reloaded through ARI.
    await pause(2000);
  });

  afterEach(function () {
    // With CARILLON_TEST_DEBUG, a failed case shows what Carillon logged at warn and above.
    if (this.currentTest?.state !== 'failed' || !t) return;
    for (const entry of t.logs.filter((l) => Number(l.level) >= 40)) log(JSON.stringify(entry).slice(0, 1500));
  });

  after(async () => {
    if (admin) for (const resource of cleanup) await admin.delete(resource);
    for (const phone of phones) {
      await phone.register(0).catch(() => 0);
      await phone.stop();
    }
    await operator?.stop();
    if (admin) for (const e of extensions) await admin.delete(`/api/telephony/extensions/${e.id}`);
    if (t) {
      await pause(1500);
      await t.stop();
    }
  });

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
    const trunkId = Number(cleanup.find((c) => c.startsWith('/api/telephony/trunks/'))!.split('/').pop());
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
