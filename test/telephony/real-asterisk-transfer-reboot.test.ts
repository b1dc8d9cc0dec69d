import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { CallRecord } from '../../core/calls/call-models';
import type { ApiClient } from '../support/api-client';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { LoopbackPhone } from './config/loopback-phone';

// Opt-in, second round against a real Asterisk 22 (appliance/asterisk/README.md, "Running the
// opt-in suite"): attended transfers (REFER with Replaces, as a desk phone's transfer key sends
// it), internal and of an inbound call, and the reboot of one phone among several registered on
// the same extension. Same variables as real-asterisk-cel-recording-wss.test.ts; the transfer
// cases need CARILLON_TEST_ASTERISK_CEL. The operator trunk's far end listens on 127.0.0.2 (a
// trunk is identified by address), so the second phone of the reboot case is on 127.0.0.3: a
// REGISTER from 127.0.0.2 would be taken for the trunk's.
const url = process.env.CARILLON_TEST_ARI_URL;
const username = process.env.CARILLON_TEST_ARI_USER;
const password = process.env.CARILLON_TEST_ARI_PASSWORD;
const configDir = process.env.CARILLON_TEST_ASTERISK_CONFIG_DIR;
const cdrFile = process.env.CARILLON_TEST_ASTERISK_CDR;
const celFile = process.env.CARILLON_TEST_ASTERISK_CEL;
const [sipHost, sipPort] = (process.env.CARILLON_TEST_SIP ?? '127.0.0.1:5060').split(':');
const OPERATOR_HOST = '127.0.0.2';
const SECOND_PHONE_HOST = '127.0.0.3';
const log = (what: string) => process.env.CARILLON_TEST_DEBUG && process.stdout.write(`    ${new Date().toISOString()} ${what}\n`);

/** A CEL record as cel_custom's JSON format writes it. */
type CelLine = { eventtype: string; eventtime: string; linkedid: string; uniqueid: string; channame: string; eventextra: string };

/** CEL records of the given linkedids, in file order. */
function celOf(linkedids: string[]): CelLine[] {
  return fs
    .readFileSync(celFile!, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CelLine)
    .filter((r) => linkedids.includes(r.linkedid));
}

/** Seconds during which some bridge held two channels of the call, from its CEL records. */
function bridgedSeconds(cel: CelLine[]): number {
  const members = new Map<string, Set<string>>();
  let since: number | null = null;
  let total = 0;
  for (const r of cel.filter((x) => x.eventtype === 'BRIDGE_ENTER' || x.eventtype === 'BRIDGE_EXIT')) {
    const set = members.get((JSON.parse(r.eventextra) as { bridge_id: string }).bridge_id) ?? new Set<string>();
    const before = [...members.values()].some((m) => m.size >= 2);
    if (r.eventtype === 'BRIDGE_ENTER') set.add(r.uniqueid);
    else set.delete(r.uniqueid);
    members.set((JSON.parse(r.eventextra) as { bridge_id: string }).bridge_id, set);
    const after = [...members.values()].some((m) => m.size >= 2);
    const at = Number(r.eventtime);
    if (!before && after) since = at;
    if (before && !after && since !== null) total += at - since;
  }
  return total;
}

/** GET of a provisioning file from a given local address, as the phone at that address fetches it (fetch() cannot choose its source address). */
function phoneFetch(base: string, file: string, from: string, userAgent: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/provisioning/${file}`, { localAddress: from, headers: { 'user-agent': userAgent } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

describe('Real Asterisk (opt-in): attended transfer and the reboot of one phone among several', function () {
  this.timeout(90_000);
  let t: TestApp;
  let admin: ApiClient;
  const phones: LoopbackPhone[] = [];
  const extensions: Array<{ id: number; number: string; sipUsername: string }> = [];
  const cleanup: string[] = [];
  const [transferer, transferee, target] = ['891', '892', '893'];
  const did = '+33100000891';
  let operator: LoopbackPhone;
  let secondPhone: LoopbackPhone | undefined;
  let trunkId = 0;

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
  const phoneOf = (number: string) => phones[[transferer, transferee, target].indexOf(number)]!;
  const sipUserOf = (number: string) => extensions.find((e) => e.number === number)!.sipUsername;
  /** Asterisk's clock has a one-second resolution in CEL/CDR: a call starts no earlier than the second it was made in. */
  const secondOf = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000);
  /**
   * This run's call-log rows since `after`, once a transferred row was seen in CEL and `count`
   * rows exist, read again after a few more reading rounds (CDR, then CEL, every few seconds):
   * a row that a later line would add, or merge away, has then done so.
   */
  const settledRows = async (after: Date, count: number) => {
    const rows = () => CallRecord.findAll({ where: { startAt: { [Op.gte]: after } }, order: [['startAt', 'ASC']] });
    let last: CallRecord[] = [];
    try {
      await poll('the transferred row seen in CEL', async () => {
        last = await rows();
        return last.length >= count && last.some((r) => r.transferredTo && r.seenCel && r.seenCdr);
      });
    } catch (err) {
      log(`rows: ${JSON.stringify(last.map((r) => r.toJSON()))}`);
      throw err;
    }
    await pause(6000);
    return rows();
  };
  /** The bridge that holds exactly one channel of each of these channel-name prefixes (ARI lists every bridge, dialplan ones too). */
  const bridgeOf = async (prefixes: string[]) => {
    const channels = (await ari('GET', '/channels')).body as Array<{ id: string; name: string }>;
    const bridges = (await ari('GET', '/bridges')).body as Array<{ id: string; channels: string[] }>;
    const names = (b: { channels: string[] }) => b.channels.map((id) => channels.find((c) => c.id === id)?.name ?? id);
    return bridges.find((b) => b.channels.length === prefixes.length && prefixes.every((p) => names(b).filter((n) => n.startsWith(p)).length === 1));
  };

  before(async function () {
    if (!url || !username || !password || !configDir || !cdrFile) {
      process.stdout.write(
        '  real-asterisk transfer and reboot scenarios skipped: set CARILLON_TEST_ARI_URL, CARILLON_TEST_ARI_USER, CARILLON_TEST_ARI_PASSWORD, CARILLON_TEST_ASTERISK_CONFIG_DIR and CARILLON_TEST_ASTERISK_CDR to run them\n',
      );
      this.skip();
    }
    const dataDir = tempDir('carillon-real-asterisk-4-');
    t = await startTestApp({
      dataDir,
      overrides: {
        log: { level: 'info' },
        provisioning: { tftp: { host: '127.0.0.1', port: 0 } },
        telephony: { configDir, cdrFile, ...(celFile ? { celFile } : {}), recordingsSpoolDir: path.join(dataDir, 'spool'), ari: { url, username, password, requestTimeoutMs: 5000 } },
      },
    });
    admin = await t.adminClient();
    await poll('ARI connected', async () => t.app.cradle.telephony.connected);
    const settings = await admin.patch('/api/telephony/settings', { transports: { bindAddress: sipHost, udpPort: Number(sipPort), tcpPort: Number(sipPort) } });
    expect(settings.status, settings.text).to.equal(200);
    for (const number of [transferer, transferee, target]) {
      const res = await admin.post('/api/telephony/extensions', { number, name: `Carillon test ${number}`, codecs: ['alaw', 'ulaw'] });
      expect(res.status, res.text).to.equal(201);
      extensions.push(res.body);
    }
    for (const e of extensions) await poll(`endpoint ${e.number} in Asterisk`, async () => (await ari('GET', `/endpoints/PJSIP/${e.sipUsername}`)).status === 200);
    for (const e of extensions) {
      const secret = (await admin.post(`/api/telephony/extensions/${e.id}/sip-secret/reveal`, {})).body as { sipUsername: string; sipPassword: string };
      const phone = new LoopbackPhone(secret.sipUsername, secret.sipPassword, { host: sipHost, port: Number(sipPort) });
      await phone.start();
      phones.push(phone);
      // Retried: an endpoint of an earlier run stays listed until Asterisk restarts.
      await poll(`REGISTER ${e.number} answered 200`, async () => (await phone.register(300)) === 200, 10_000);
    }
    operator = new LoopbackPhone('operator', 'unused', { host: sipHost, port: Number(sipPort) }, { host: OPERATOR_HOST });
    await operator.start();
    const trunk = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Carillon test operator 4', host: OPERATOR_HOST, port: operator.localPort, transport: 'udp', username: 'carillon-test-4', password: 'carillon-test-secret', register: false });
    expect(trunk.status, trunk.text).to.equal(201);
    trunkId = trunk.body.id;
    cleanup.push(`/api/telephony/trunks/${trunk.body.id}`);
    const inbound = await admin.post('/api/telephony/inbound-routes', { did, destination: { type: 'extension', extensionId: extensions[0]!.id } });
    expect(inbound.status, inbound.text).to.equal(201);
    cleanup.unshift(`/api/telephony/inbound-routes/${inbound.body.id}`);
    await poll('the inbound route in the dialplan', async () => fs.readFileSync(path.join(configDir!, 'extensions-carillon.conf'), 'utf8').includes(`carillon-inbound-${inbound.body.id}]`));
    await poll('the trunk in the PJSIP configuration', async () => fs.readFileSync(path.join(configDir!, 'pjsip-trunks.conf'), 'utf8').includes(`match=${OPERATOR_HOST}`));
    // The files are written before res_pjsip and pbx_config are reloaded through ARI.
    await pause(2000);
  });

  afterEach(function () {
    if (this.currentTest?.state !== 'failed' || !t) return;
    for (const entry of t.logs.filter((l) => Number(l.level) >= 40)) log(JSON.stringify(entry).slice(0, 1500));
  });

  after(async () => {
    if (admin) for (const resource of cleanup) await admin.delete(resource);
    for (const phone of [...phones, ...(secondPhone ? [secondPhone] : [])]) {
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

  it('attended transfer: 891 calls 892, consults 893, transfers; 892 and 893 are bridged, each call logged once', async function () {
    skipUnless(this, celFile, 'CARILLON_TEST_ASTERISK_CEL');
    const start = secondOf(new Date());
    phoneOf(transferee).behaviour = { kind: 'answer', afterMs: 300 };
    phoneOf(target).behaviour = { kind: 'answer', afterMs: 300 };
    expect(await phoneOf(transferer).call(transferee)).to.equal(200);
    await pause(1500);
    // The consultation call, while the first one is up (a desk phone would hold it first: same for Asterisk's bridge).
    expect(await phoneOf(transferer).call(target)).to.equal(200);
    await pause(1500);
    expect(await phoneOf(transferer).attendedTransfer()).to.equal(202);
    await poll('891 out of both calls', async () => !phoneOf(transferer).inCall, 10_000);
    await poll('892 and 893 bridged together', () => bridgeOf([`PJSIP/${sipUserOf(transferee)}-`, `PJSIP/${sipUserOf(target)}-`]), 5000);
    expect(phoneOf(transferee).inCall && phoneOf(target).inCall).to.equal(true);
    await pause(2000);
    expect(await phoneOf(transferee).hangupIncoming()).to.equal(200);
    await poll('893 hung up by Asterisk', async () => !phoneOf(target).inCall, 5000);
    const rows = await settledRows(start, 2);
    log(JSON.stringify(rows.map((r) => r.toJSON())));
    // The transferred call, and the consultation call (its own row: the dialplan described it).
    expect(rows, JSON.stringify(rows.map((r) => r.toJSON()))).to.have.length(2);
    const [first, consultation] = rows as [CallRecord, CallRecord];
    expect(first).to.include({ status: 'answered', direction: 'internal', callerNumber: transferer, destination: transferee, transferredTo: target, seenCel: true, seenCdr: true });
    expect(consultation).to.include({ status: 'answered', direction: 'internal', callerNumber: transferer, destination: target, transferredTo: null, seenCdr: true });
    expect(consultation.talkSeconds).to.be.within(1, 2);
    // The target's channel joins the transferred call (its linkedid) only after the transfer: its
    // first events are the consultation call's, which Carillon's CEL reader folds into this call.
    const cel = celOf([first.callKey, consultation.callKey]);
    const transfer = cel.find((r) => r.eventtype === 'ATTENDEDTRANSFER');
    expect(transfer, 'ATTENDEDTRANSFER in CEL').to.exist;
    expect(JSON.parse(transfer!.eventextra)).to.include({ transfer_target_channel_name: cel.find((r) => r.channame.startsWith(`PJSIP/${sipUserOf(target)}-`))!.channame });
    // Talk time: 891-892 (1.5 s alone, 1.5 s while 891 consults 893), then 892-893 (2 s): CEL's bridged time.
    const bridged = bridgedSeconds(cel);
    expect(bridged).to.be.within(4, 7);
    expect(first.talkSeconds).to.be.within(Math.floor(bridged), Math.ceil(bridged));
    expect((await ari('GET', '/applications/carillon')).body.channel_ids).to.deep.equal([]);
  });

  it('attended transfer of an inbound call: 891 answers the operator, consults 893, transfers; the operator and 893 are bridged', async function () {
    skipUnless(this, celFile, 'CARILLON_TEST_ASTERISK_CEL');
    const start = secondOf(new Date());
    phoneOf(transferer).behaviour = { kind: 'answer', afterMs: 300 };
    phoneOf(target).behaviour = { kind: 'answer', afterMs: 300 };
    expect(await operator.call(did)).to.equal(200);
    await pause(1500);
    expect(await phoneOf(transferer).call(target)).to.equal(200);
    await pause(1500);
    expect(await phoneOf(transferer).attendedTransfer()).to.equal(202);
    await poll('891 out of both calls', async () => !phoneOf(transferer).inCall, 10_000);
    await poll('the operator and 893 bridged together', () => bridgeOf([`PJSIP/trunk-${trunkId}-`, `PJSIP/${sipUserOf(target)}-`]), 5000);
    expect(operator.inCall && phoneOf(target).inCall).to.equal(true);
    await pause(2000);
    expect(await operator.hangup()).to.equal(200);
    await poll('893 hung up by Asterisk', async () => !phoneOf(target).inCall, 5000);
    const rows = await settledRows(start, 2);
    log(JSON.stringify(rows.map((r) => r.toJSON())));
    expect(rows, JSON.stringify(rows.map((r) => r.toJSON()))).to.have.length(2);
    const inbound = rows.find((r) => r.direction === 'inbound')!;
    const consultation = rows.find((r) => r.direction === 'internal')!;
    expect(inbound).to.include({ status: 'answered', callerNumber: 'operator', destination: transferer, transferredTo: target, seenCel: true, seenCdr: true });
    expect(consultation).to.include({ status: 'answered', callerNumber: transferer, destination: target, transferredTo: null });
    const cel = celOf([inbound.callKey, consultation.callKey]);
    expect(cel.map((r) => r.eventtype)).to.include('ATTENDEDTRANSFER');
    const bridged = bridgedSeconds(cel);
    expect(bridged).to.be.within(4, 7);
    expect(inbound.talkSeconds).to.be.within(Math.floor(bridged), Math.ceil(bridged));
    expect((await ari('GET', '/applications/carillon')).body.channel_ids).to.deep.equal([]);
  });

  it('provisioning reboot with two phones on one extension: only the phone that fetched its file gets the check-sync NOTIFY', async () => {
    const ext = extensions[0]!;
    const mac = 'c074ad000891';
    const userAgent = `Grandstream Model HW GRP2614 SW 1.0.9.103 DevId ${mac}`;
    const created = await admin.post('/api/provisioning/devices', { mac: 'c0:74:ad:00:08:91', model: 'GRP2614', extensionIds: [ext.id] });
    expect(created.status, created.text).to.equal(201);
    cleanup.unshift(`/api/provisioning/devices/${created.body.id}`);
    // A second phone registered on 891 from another address (the desk phone; the first one stands for a softphone).
    const secret = (await admin.post(`/api/telephony/extensions/${ext.id}/sip-secret/reveal`, {})).body as { sipUsername: string; sipPassword: string };
    secondPhone = new LoopbackPhone(secret.sipUsername, secret.sipPassword, { host: sipHost, port: Number(sipPort) }, { host: SECOND_PHONE_HOST });
    await secondPhone.start();
    expect(await secondPhone.register(300)).to.equal(200);
    const registrations = (await admin.get('/api/telephony/registrations')).body.items as Array<{ endpoint: string; contacts: Array<{ ip: string }> }>;
    expect(registrations.find((r) => r.endpoint === ext.sipUsername)!.contacts.map((c) => c.ip)).to.have.members([sipHost, SECOND_PHONE_HOST]);
    const first = phoneOf(transferer);
    for (const [device, other] of [
      [secondPhone, first],
      [first, secondPhone],
    ] as const) {
      // The phone fetches its file over HTTP from its own address, as it does at boot: Carillon learns its IP.
      expect(await phoneFetch(t.url, `cfg${mac}.xml`, device.host, userAgent)).to.equal(200);
      await poll(`the device seen at ${device.host}`, async () => (await admin.get(`/api/provisioning/devices/${created.body.id}`)).body.lastIp === device.host, 5000);
      const before = { device: device.notifies.length, other: other.notifies.length };
      const res = await admin.post(`/api/provisioning/devices/${created.body.id}/reboot`);
      expect(res.status, res.text).to.equal(202);
      expect(res.body).to.include({ endpoint: ext.sipUsername, host: device.host });
      const notify = await poll(`the NOTIFY at ${device.host}`, async () => device.notifies.slice(before.device).find((n) => /check-sync/i.test(n.event)), 10_000);
      expect(notify.requestUri).to.include(`@${device.host}:${device.localPort}`);
      // The dialplan sends the NOTIFYs one after the other: a second one would have come by now.
      await pause(1500);
      expect(other.notifies.slice(before.other), `no NOTIFY at ${other.host}`).to.deep.equal([]);
      expect(device.notifies.slice(before.device)).to.have.length(1);
    }
    expect((await ari('GET', '/applications/carillon')).body.channel_ids).to.deep.equal([]);
  });
});
