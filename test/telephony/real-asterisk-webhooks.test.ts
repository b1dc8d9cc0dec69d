import { expect } from 'chai';
import { verifySignature } from '../../core/webhooks/signature';
import { Receiver } from '../webhooks/receiver';
import { log, pause, poll, secondOf, showLogsOfFailure, startLab, stopLab, type Lab } from './real-asterisk-lab';

// Opt-in: webhooks of issue 13 against a real Asterisk 22 (appliance/asterisk/README.md,
// "Running the opt-in suite"; the base variables of the end-to-end part of real-asterisk.test.ts).
// A phone-to-phone call runs in the dialplan alone: only the call log (CDR, CEL) tells of it, so
// it reaches a receiver as `call.logged`. A click-to-call passes through Carillon's Stasis
// application: it also gives the live `call.started`, `call.answered` and `call.ended`.

type Delivery = { type: string; data: Record<string, any>; headers: Record<string, string | string[] | undefined>; raw: string };

describe('Real Asterisk (opt-in): signed webhooks for a phone-to-phone call and a click-to-call', function () {
  this.timeout(180_000);
  let lab: Lab | undefined;
  const [callee, caller] = ['851', '852'];
  const receiver = new Receiver();
  let secret = '';

  const deliveries = (): Delivery[] =>
    receiver.received.map((r) => {
      const event = JSON.parse(r.body) as { type: string; data: Record<string, any> };
      return { type: event.type, data: event.data, headers: r.headers, raw: r.body };
    });
  /** Checks what any receiver must check: the signature over the raw body, and the headers that name the event. */
  const expectSigned = (d: Delivery) => {
    expect(verifySignature(secret, d.raw, String(d.headers['carillon-signature'] ?? '')), `${d.type} signed with the secret shown at creation`).to.equal(true);
    expect(verifySignature('whsec_not-the-secret', d.raw, String(d.headers['carillon-signature'] ?? '')), 'another secret does not verify').to.equal(false);
    expect(d.headers['carillon-event']).to.equal(d.type);
    expect(d.headers['carillon-event-id']).to.equal((JSON.parse(d.raw) as { id: string }).id);
    expect(d.headers['carillon-delivery-id']).to.be.a('string').and.not.equal('');
  };
  type Row = { callId: string; direction: string; status: string; callerNumber: string; callerName: string | null; destination: string; extension: string | null; callerExtension: string | null; startedAt: string; durationSeconds: number; talkSeconds: number; transferredTo: string | null };
  const callLog = async () => (await lab!.admin.get('/api/calls?limit=50')).body.items as Row[];
  /**
   * The latest call.logged of a call once it says what the call-log row says now (the call log
   * refines a call as CDR lines and CEL arrive, and sends it again each time: a receiver keeps the last).
   */
  const loggedAsRow = (callKey: string) =>
    poll(`a call.logged of ${callKey} as the call log has it now`, async () => {
      const now = (await callLog()).find((r) => r.callId === callKey);
      const last = deliveries()
        .filter((d) => d.type === 'call.logged' && d.data.callKey === callKey)
        .at(-1);
      if (!now || !last) return null;
      const fields = ['direction', 'status', 'callerNumber', 'callerName', 'destination', 'extension', 'callerExtension', 'startedAt', 'durationSeconds', 'talkSeconds', 'transferredTo'] as const;
      return fields.every((f) => last.data[f] === now[f]) && { last, now };
    });

  before(async function () {
    await startLab(this, { name: 'webhooks', numbers: [callee, caller], did: '+33100000851' }, (started) => (lab = started));
    await receiver.up();
    // The receiver is on loopback: refused unless the admin allows private networks.
    const settings = await lab!.admin.request('PUT', '/api/webhooks/settings', { allowPrivateNetworks: true });
    expect(settings.status, settings.text).to.equal(200);
    const created = await lab!.admin.post('/api/webhooks', { name: 'Carillon test CRM', url: receiver.url, events: ['call.started', 'call.answered', 'call.ended', 'call.logged'] });
    expect(created.status, created.text).to.equal(201);
    secret = created.body.secret;
    expect(secret).to.match(/^whsec_/);
    lab!.cleanup.unshift(`/api/webhooks/${created.body.subscription.id}`);
  });

  afterEach(function () {
    showLogsOfFailure(this, lab);
  });

  after(async () => {
    await stopLab(lab);
    await receiver.down();
  });

  it('a phone-to-phone call answered then hung up reaches the receiver as a signed call.logged matching its call-log row', async () => {
    const phone = (n: string) => lab!.phoneOf(n);
    phone(callee).behaviour = { kind: 'answer', afterMs: 300 };
    // Carillon catches up Master.csv when it starts (calls of earlier runs, before the webhook existed): this call's row is the one from now on.
    const placedAt = new Date();
    expect(await phone(caller).call(callee)).to.equal(200);
    await pause(1500);
    expect(await phone(caller).hangup()).to.equal(200);

    const row = await poll('the call-log row of this call', async () =>
      (await callLog()).find((r) => r.destination === callee && r.callerExtension === caller && r.status === 'answered' && new Date(r.startedAt) >= secondOf(placedAt)),
    );
    expect(row).to.include({ direction: 'internal', extension: callee, callerExtension: caller, callerNumber: caller });
    const logged = await loggedAsRow(row.callId);
    log(`call.logged ${logged.last.raw}`);
    expectSigned(logged.last);
    expect(logged.last.data).to.deep.equal({
      callKey: logged.now.callId,
      direction: 'internal',
      status: 'answered',
      callerNumber: caller,
      callerName: logged.now.callerName,
      destination: callee,
      extension: callee,
      callerExtension: caller,
      startedAt: logged.now.startedAt,
      endedAt: logged.last.data.endedAt,
      durationSeconds: logged.now.durationSeconds,
      talkSeconds: logged.now.talkSeconds,
      transferredTo: null,
    });
    expect(logged.now.talkSeconds).to.be.at.least(1);
    expect(new Date(logged.last.data.endedAt).getTime()).to.be.at.least(new Date(logged.last.data.startedAt).getTime());
    // Every call.logged of that call is signed; a dialplan-only call gives no live event.
    for (const d of deliveries().filter((x) => x.data.callKey === row.callId)) expectSigned(d);
    expect(deliveries().filter((d) => d.type !== 'call.logged')).to.deep.equal([]);
  });

  it('a click-to-call answered at both ends then ended gives signed call.started, call.answered and call.ended (outcome answered)', async () => {
    const phone = (n: string) => lab!.phoneOf(n);
    phone(caller).behaviour = { kind: 'answer', afterMs: 200 };
    phone(callee).behaviour = { kind: 'answer', afterMs: 200 };
    const before = deliveries().length;
    const res = await lab!.admin.post('/api/telephony/click-to-call', { number: callee, extension: caller });
    expect(res.status, res.text).to.equal(201);
    await poll('click-to-call connected', async () => (await lab!.admin.get(`/api/telephony/click-to-call/${res.body.id}`)).body.status === 'connected');
    await pause(1500);
    // The extension that asked for the call hangs up, as a person would.
    expect(await phone(caller).hangupIncoming()).to.equal(200);
    await poll('click-to-call ended', async () => (await lab!.admin.get(`/api/telephony/click-to-call/${res.body.id}`)).body.status === 'ended');

    // Carillon places the call to the asking extension first: that channel is the live call.
    const live = await poll('call.started, call.answered and call.ended of one call', async () => {
      const fresh = deliveries().slice(before);
      const ended = fresh.find((d) => d.type === 'call.ended' && d.data.endpoint === `PJSIP/${caller}`);
      const ofIt = ended && fresh.filter((d) => d.data.callId === ended.data.callId);
      return ofIt && ['call.started', 'call.answered', 'call.ended'].every((type) => ofIt.some((d) => d.type === type)) && ofIt;
    });
    for (const d of live) {
      log(`${d.type} ${d.raw}`);
      expectSigned(d);
      expect(d.data).to.include({ direction: 'outbound', endpoint: `PJSIP/${caller}` });
    }
    const ofType = (type: string) => live.filter((d) => d.type === type);
    expect(ofType('call.started'), 'once each').to.have.length(1);
    expect(ofType('call.answered')).to.have.length(1);
    expect(ofType('call.ended')).to.have.length(1);
    const ended = ofType('call.ended')[0]!.data;
    expect(ended).to.include({ outcome: 'answered', answeredAt: ofType('call.answered')[0]!.data.answeredAt });
    expect(ended.cause).to.be.a('number');
    expect(ended.talkSeconds).to.be.at.least(1);
    expect(new Set(live.map((d) => d.headers['carillon-delivery-id'])).size, 'one delivery id per event').to.equal(3);
    // The call log keys a call Carillon placed by that channel: the same call comes as call.logged too.
    const logged = await loggedAsRow(ended.callId);
    expectSigned(logged.last);
    expect(logged.last.data).to.include({ status: 'answered', destination: callee });
  });
});
