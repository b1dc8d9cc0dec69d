import { execSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import { Op } from 'sequelize';
import { CallRecord } from '../../core/calls/call-models';
import { LoopbackPhone } from './config/loopback-phone';
import { ari, log, pause, poll, readCel, realAsterisk, secondOf, showLogsOfFailure, skipUnless, startLab, stopLab, type CelLine, type Lab } from './real-asterisk-lab';

// Opt-in, second round against a real Asterisk 22 (appliance/asterisk/README.md, "Running the
// opt-in suite"): attended transfers (REFER with Replaces, as a desk phone's transfer key sends
// it), internal and of an inbound call, and the reboot of one phone among several registered on
// the same extension. Same variables as real-asterisk-cel-recording-wss.test.ts; the transfer
// cases need CARILLON_TEST_ASTERISK_CEL. The operator trunk's far end listens on 127.0.0.2 (a
// trunk is identified by address), so the second phone of the reboot case is on 127.0.0.3: a
// REGISTER from 127.0.0.2 would be taken for the trunk's. The crash case (last) needs
// CARILLON_TEST_ASTERISK_CRASH: a shell command that kills Asterisk with SIGKILL and has it started
// again (e.g. `systemctl kill -s KILL asterisk` with Restart=always).
const { celFile, operatorHost: OPERATOR_HOST } = realAsterisk;
const sipHost = realAsterisk.sip.host;
const SECOND_PHONE_HOST = '127.0.0.3';
const celOf = readCel;
const crashCommand = process.env.CARILLON_TEST_ASTERISK_CRASH;

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
  let lab: Lab | undefined;
  const [transferer, transferee, target] = ['891', '892', '893'];
  const did = '+33100000891';
  let secondPhone: LoopbackPhone | undefined;
  let t: Lab['t'];
  let admin: Lab['admin'];
  let extensions: Lab['extensions'];
  let operator: LoopbackPhone;
  let trunkId: number;

  const phoneOf = (number: string) => lab!.phoneOf(number);
  const sipUserOf = (number: string) => extensions.find((e) => e.number === number)!.sipUsername;
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
    await startLab(this, { name: 'transfer-reboot', numbers: [transferer, transferee, target], did }, (started) => (lab = started));
    ({ t, admin, extensions, operator, trunkId } = lab!);
  });

  afterEach(function () {
    showLogsOfFailure(this, lab);
  });

  after(() => stopLab(lab, secondPhone ? [secondPhone] : []));

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
    lab!.cleanup.unshift(`/api/provisioning/devices/${created.body.id}`);
    // A second phone registered on 891 from another address (the desk phone; the first one stands for a softphone).
    const secret = (await admin.post(`/api/telephony/extensions/${ext.id}/sip-secret/reveal`, {})).body as { sipUsername: string; sipPassword: string };
    secondPhone = new LoopbackPhone(secret.sipUsername, secret.sipPassword, realAsterisk.sip, { host: SECOND_PHONE_HOST });
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

  it('Asterisk killed while a click-to-call is connected: Carillon reconnects and the call ends, no channel left in its application', async function () {
    skipUnless(this, crashCommand, 'CARILLON_TEST_ASTERISK_CRASH');
    phoneOf(transferer).behaviour = { kind: 'answer', afterMs: 200 };
    phoneOf(target).behaviour = { kind: 'answer', afterMs: 200 };
    const res = await admin.post('/api/telephony/click-to-call', { number: target, extension: transferer });
    expect(res.status, res.text).to.equal(201);
    await poll('connected', async () => (await admin.get(`/api/telephony/click-to-call/${res.body.id}`)).body.status === 'connected');
    const telephony = t.app.cradle.telephony;
    expect(telephony.channelsInApplication()).to.have.length(2);

    execSync(crashCommand!, { stdio: 'inherit' });
    // No event tells of the lost calls: only the reconciliation after the reconnection ends them.
    const ended = await poll('the click-to-call ended', async () => {
      const view = await admin.get(`/api/telephony/click-to-call/${res.body.id}`);
      return view.body.status === 'ended' ? view.body : null;
    }, 60_000);
    log(`ended after the crash: ${JSON.stringify(ended)}`);
    expect(telephony.connected).to.equal(true);
    expect(telephony.channelsInApplication()).to.deep.equal([]);
    expect(telephony.hub.waitedOn().channels.size, 'waits still on a channel').to.equal(0);
    expect((await ari('GET', '/applications/carillon')).body.channel_ids).to.deep.equal([]);
    // The phones hung up by the crash are free again (their dialogs ended with no BYE).
    for (const number of [transferer, target]) if (phoneOf(number).inCall) await phoneOf(number).hangupIncoming().catch(() => 0);
  });
});
