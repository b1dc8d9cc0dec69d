import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { AriRequestError } from '../../core/telephony/ari/errors';
import type { ApiClient } from '../support/api-client';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { LoopbackPhone } from './config/loopback-phone';
import { startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

// Opt-in: the same connection and originate scenarios against a real Asterisk 22, then the issue's
// scenario end to end (see appliance/asterisk/README.md, "Running the opt-in suite").
//   CARILLON_TEST_ARI_URL=http://127.0.0.1:8088 CARILLON_TEST_ARI_USER=carillon CARILLON_TEST_ARI_PASSWORD=…
//   CARILLON_TEST_ARI_LOCAL (default Local/s@trace-local): a Local/ endpoint whose dialplan answers,
//   like the extensions.d/ari-traces.conf the trace capture left in place.
// The end-to-end scenario needs, besides:
//   CARILLON_TEST_ASTERISK_CONFIG_DIR: the folder the running Asterisk's skeleton includes the generated
//     files from (/var/lib/carillon/asterisk on an appliance). Carillon overwrites its files.
//   CARILLON_TEST_ASTERISK_CDR: that Asterisk's cdr_csv Master.csv (readable by the tests).
//   CARILLON_TEST_SIP (default 127.0.0.1:5060): the address of its UDP transport, which the
//     generated pjsip-transports.conf keeps (a transport changes only when Asterisk restarts).
const url = process.env.CARILLON_TEST_ARI_URL;
const username = process.env.CARILLON_TEST_ARI_USER;
const password = process.env.CARILLON_TEST_ARI_PASSWORD;
const localEndpoint = process.env.CARILLON_TEST_ARI_LOCAL ?? 'Local/s@trace-local';
const configDir = process.env.CARILLON_TEST_ASTERISK_CONFIG_DIR;
const cdrFile = process.env.CARILLON_TEST_ASTERISK_CDR;
const [sipHost, sipPort] = (process.env.CARILLON_TEST_SIP ?? '127.0.0.1:5060').split(':');

describe('Real Asterisk (opt-in)', function () {
  this.timeout(30_000);
  let t: TelephonyUnderTest;

  before(function () {
    if (!url || !username || !password) {
      process.stdout.write('  real-asterisk suite skipped: set CARILLON_TEST_ARI_URL, CARILLON_TEST_ARI_USER and CARILLON_TEST_ARI_PASSWORD to run it\n');
      this.skip();
    }
  });

  beforeEach(async () => {
    t = startTelephony(url!, { username, password, requestTimeoutMs: 5000 });
    await until('connected', () => t.telephony.connected, 15_000);
  });

  afterEach(async () => {
    await t?.stop();
  });

  it('connects and registers the Stasis application', async () => {
    const app = await t.telephony.rest().getApplication('carillon');
    expect(app.name).to.equal('carillon');
    expect(t.status.snapshot).to.include({ connected: true, state: 'connected', lastError: null });
  });

  it('an endpoint that does not exist: 500 Allocation failed', async () => {
    const failure = await t.telephony.originate({ endpoint: 'PJSIP/carillon-test-nosuch' }).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(AriRequestError);
    expect((failure as AriRequestError).allocationFailed).to.equal(true);
  });

  it('a Local/ call is answered, hung up by the app and ends 16 Normal Clearing', async () => {
    const call = await t.telephony.originate({ endpoint: localEndpoint });
    const channel = await call.answered;
    await channel.hangup();
    expect(await call.ended).to.include({ cause: 16, outcome: 'answered' });
    expect(t.calls.filter((e) => e.callId === channel.id).map((e) => e.type)).to.deep.equal(['started', 'answered', 'ended']);
  });

  it('a handler that throws leaves no channel in the application', async () => {
    t.telephony.handle('carillon-test-broken', async () => {
      throw new Error('deliberate');
    });
    const call = await t.telephony.originate({ endpoint: localEndpoint, route: 'carillon-test-broken' });
    await call.ended;
    await until('no channel in the application', () => t.telephony.channelsInApplication().length === 0);
    const app = await t.telephony.rest().getApplication('carillon');
    expect(app.channel_ids.filter((id) => id === call.channel.id)).to.deep.equal([]);
  });
});

describe('Real Asterisk (opt-in): the generated configuration end to end', function () {
  this.timeout(60_000);
  let t: TestApp;
  let admin: ApiClient;
  const phones: LoopbackPhone[] = [];
  const created: number[] = [];
  /** Trunks and outbound routes to delete at the end (routes first). */
  const cleanup: Array<['trunks' | 'outbound-routes', number]> = [];
  const since = new Date(Date.now() - 1000);
  // Numbers and SIP users unlikely to exist on the Asterisk under test.
  const callee = { number: '871', name: 'Carillon test callee' };
  const caller = { number: '872', name: 'Carillon test caller' };

  const ari = async (method: string, resource: string): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${url!.replace(/\/$/, '')}/ari${resource}`, { method, headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const poll = async <T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const phoneFor = async (extension: { id: number }): Promise<LoopbackPhone> => {
    const secret = (await admin.post(`/api/telephony/extensions/${extension.id}/sip-secret/reveal`, {})).body as { sipUsername: string; sipPassword: string };
    const phone = new LoopbackPhone(secret.sipUsername, secret.sipPassword, { host: sipHost, port: Number(sipPort) });
    await phone.start();
    phones.push(phone);
    return phone;
  };
  type CallRow = { destination: string; direction: string; status: string; talkSeconds: number; startedAt: string; callerNumber: string };
  /** This run's rows for a destination (Master.csv still holds the calls of earlier runs). */
  const callRows = async (destination: string): Promise<CallRow[]> => {
    const page = await admin.get('/api/calls?limit=50');
    return (page.body.items as CallRow[]).filter((row) => row.destination === destination && new Date(row.startedAt) >= since);
  };

  before(async function () {
    if (!url || !username || !password || !configDir || !cdrFile) {
      process.stdout.write(
        '  real-asterisk end-to-end scenario skipped: set CARILLON_TEST_ARI_URL, CARILLON_TEST_ARI_USER, CARILLON_TEST_ARI_PASSWORD, CARILLON_TEST_ASTERISK_CONFIG_DIR and CARILLON_TEST_ASTERISK_CDR to run it\n',
      );
      this.skip();
    }
    const dataDir = tempDir('carillon-real-asterisk-');
    t = await startTestApp({
      dataDir,
      overrides: {
        log: { level: 'info' },
        telephony: { configDir, cdrFile, recordingsSpoolDir: path.join(dataDir, 'spool'), ari: { url, username, password, requestTimeoutMs: 5000 } },
      },
    });
    admin = await t.adminClient();
    await poll('ARI connected', async () => t.app.cradle.telephony.connected);
    // The transports Asterisk runs with: a different bind address or port would need a restart.
    const settings = await admin.patch('/api/telephony/settings', { transports: { bindAddress: sipHost, udpPort: Number(sipPort), tcpPort: Number(sipPort) } });
    expect(settings.status, settings.text).to.equal(200);
  });

  after(async () => {
    // The trunk first: while it exists, Asterisk identifies every request from 127.0.0.1 as the
    // trunk (identify by address), so the phones' unregistrations would be refused.
    if (admin && cleanup.length) {
      for (const [kind, id] of cleanup.reverse()) await admin.delete(`/api/telephony/${kind}/${id}`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    for (const phone of phones) {
      await phone.register(0).catch(() => 0);
      await phone.stop();
    }
    if (admin) for (const id of created) await admin.delete(`/api/telephony/extensions/${id}`);
    // Let Carillon write the files without the test extensions and reload before it stops.
    if (t) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await t.stop();
    }
  });

  it('creates two extensions through the API: the generated files hold them and PJSIP is reloaded', async () => {
    for (const e of [callee, caller]) {
      const res = await admin.post('/api/telephony/extensions', { number: e.number, name: e.name, codecs: ['alaw', 'ulaw'] });
      expect(res.status, res.text).to.equal(201);
      created.push(res.body.id);
    }
    const file = path.join(configDir!, 'pjsip-extensions.conf');
    await poll('the generated endpoints', async () => fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(`[${callee.number}]`) && fs.readFileSync(file, 'utf8').includes(`[${caller.number}]`));
    // The dialplan file is written after the PJSIP files, in the same run.
    await poll('the generated dialplan', async () => new RegExp(`^exten => ${callee.number},1,`, 'm').test(fs.readFileSync(path.join(configDir!, 'extensions-carillon.conf'), 'utf8')));
    // Asterisk knows the endpoint only once res_pjsip was reloaded with the new file.
    await poll('the endpoint in Asterisk', async () => (await ari('GET', `/endpoints/PJSIP/${callee.number}`)).status === 200);
    expect((await ari('GET', `/endpoints/PJSIP/${caller.number}`)).body).to.include({ technology: 'PJSIP', resource: caller.number, state: 'offline' });
  });

  it('a phone registers with the generated credentials and shows in the registrations view', async () => {
    const [calleeExt, callerExt] = (await admin.get('/api/telephony/extensions?limit=500')).body.items.filter((e: { number: string }) => [callee.number, caller.number].includes(e.number)).sort((a: { number: string }, b: { number: string }) => a.number.localeCompare(b.number));
    const calleePhone = await phoneFor(calleeExt);
    const callerPhone = await phoneFor(callerExt);
    expect(await calleePhone.register(300)).to.equal(200);
    expect(await callerPhone.register(300)).to.equal(200);
    await poll('the endpoint online', async () => (await ari('GET', `/endpoints/PJSIP/${callee.number}`)).body?.state === 'online');
    const view = await poll('the registration in Carillon', async () => {
      const res = await admin.get('/api/telephony/registrations');
      return ((res.body?.items ?? []) as Array<{ extension: string; state: string; contacts: unknown[] }>).find((r) => r.extension === callee.number && r.state === 'online');
    });
    expect(view.state).to.equal('online');
  });

  it("the registrations view lists the phone's contact (user agent, address)", async () => {
    type Contact = { userAgent: string; ip: string; port: number | null; expiresAt: string | null; uri: string };
    const view = await poll(
      'the contact in the registrations view',
      async () => {
        const res = await admin.get('/api/telephony/registrations');
        return ((res.body?.items ?? []) as Array<{ extension: string; contacts: Contact[] }>).find((r) => r.extension === callee.number && r.contacts.length > 0);
      },
      5000,
    );
    // Found by the phone's own UDP port (the Via port): an earlier run's contact may still be
    // registered (until its expiry) if that run could not unregister.
    const contact = view.contacts.find((c) => c.port === phones[0].localPort);
    expect(contact, JSON.stringify(view.contacts)).to.exist;
    expect(contact).to.include({ userAgent: 'carillon-loopback-phone', ip: '127.0.0.1' });
    // The expiry of its 300 s registration.
    expect(Date.parse(contact!.expiresAt ?? '') - Date.now()).to.be.within(200_000, 301_000);
    expect(contact!.uri).to.match(new RegExp(`^sip:[^@]+@127\\.0\\.0\\.1:${phones[0].localPort}`));
  });

  it('a call between them is answered, hung up, and logged once as answered (internal)', async () => {
    const [calleePhone, callerPhone] = phones;
    calleePhone.behaviour = { kind: 'answer', afterMs: 300 };
    expect(await callerPhone.call(callee.number)).to.equal(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await callerPhone.hangup()).to.equal(200);
    const rows = await poll('the call-log row', async () => {
      const found = await callRows(callee.number);
      return found.length && found.every((row) => row.status === 'answered') && found[0].talkSeconds >= 1 ? found : null;
    });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ direction: 'internal', status: 'answered', callerNumber: caller.number });
    // The dialplan's verdict in Master.csv, in the contract core/calls/cdr-userfield.ts parses.
    const lines = fs.readFileSync(cdrFile!, 'utf8').split('\n').filter((l) => l.includes(`;to=${callee.number};dialstatus=ANSWER;`));
    expect(lines.length, 'a CDR line with the userfield').to.be.at.least(1);
    expect(lines.at(-1)).to.match(/"carillon;call=[0-9.]+;dir=internal;to=\d+;dialstatus=ANSWER;hint="$/);
  });

  it('a busy phone: the call is logged as busy', async () => {
    const [calleePhone, callerPhone] = phones;
    calleePhone.behaviour = { kind: 'busy' };
    const code = await callerPhone.call(callee.number);
    // Without voicemail or forwarding the generated dialplan hangs up with 17 (busy): 486 for the caller.
    expect(code).to.equal(486);
    const rows = await poll('the busy row', async () => {
      const found = (await callRows(callee.number)).filter((row) => row.status !== 'answered');
      return found.length ? found : null;
    });
    expect(rows[0]).to.include({ direction: 'internal', status: 'busy' });
  });

  it('a call nobody answers ends 480 Temporarily Unavailable (not 603 Decline), logged as no answer', async () => {
    const [calleePhone, callerPhone] = phones;
    calleePhone.behaviour = { kind: 'ring' };
    const ext = (await admin.get('/api/telephony/extensions?limit=500')).body.items.find((e: { number: string }) => e.number === callee.number);
    expect((await admin.patch(`/api/telephony/extensions/${ext.id}`, { forwarding: { noAnswerSeconds: 5 } })).status).to.equal(200);
    const dialplan = path.join(configDir!, 'extensions-carillon.conf');
    await poll('the regenerated dialplan', async () => fs.readFileSync(dialplan, 'utf8').includes('Dial(${CARILLON_TARGET},5,'));
    // The file is written before pbx_config.so is reloaded through ARI.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await callerPhone.call(callee.number)).to.equal(480);
    const rows = await poll('the no-answer row', async () => {
      const found = (await callRows(callee.number)).filter((row) => row.status === 'no_answer');
      return found.length ? found : null;
    });
    expect(rows[0]).to.include({ direction: 'internal', status: 'no_answer' });
  });

  it('a call to an extension with no phone registered ends 480 Temporarily Unavailable (not 404 Not Found)', async () => {
    const [, callerPhone] = phones;
    const res = await admin.post('/api/telephony/extensions', { number: '873', name: 'Carillon test offline', codecs: ['alaw', 'ulaw'] });
    expect(res.status, res.text).to.equal(201);
    created.push(res.body.id);
    const dialplan = path.join(configDir!, 'extensions-carillon.conf');
    await poll('the regenerated dialplan', async () => /^exten => 873,1,/m.test(fs.readFileSync(dialplan, 'utf8')));
    await poll('the endpoint in Asterisk', async () => (await ari('GET', '/endpoints/PJSIP/873')).status === 200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await callerPhone.call('873')).to.equal(480);
  });

  it('do not disturb set through the API: the dialplan refuses the call, logged as unavailable', async () => {
    const [, callerPhone] = phones;
    const ext = (await admin.get('/api/telephony/extensions?limit=500')).body.items.find((e: { number: string }) => e.number === callee.number);
    const res = await admin.patch(`/api/telephony/extensions/${ext.id}`, { doNotDisturb: true });
    expect(res.status, res.text).to.equal(200);
    const dialplan = path.join(configDir!, 'extensions-carillon.conf');
    await poll('the regenerated dialplan', async () => /Set\(CARILLON_HINT=dnd\)/.test(fs.readFileSync(dialplan, 'utf8')));
    // The file is written before pbx_config.so is reloaded through ARI.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await callerPhone.call(callee.number)).to.equal(486);
    const rows = await poll('the unavailable row', async () => {
      const found = (await callRows(callee.number)).filter((row) => row.status === 'unavailable');
      return found.length ? found : null;
    });
    expect(rows[0]).to.include({ direction: 'internal', status: 'unavailable' });
  });
  it('a changed SIP port waits for an Asterisk restart (ARI startup_time); back to the running port, nothing waits', async () => {
    const info = await ari('GET', '/asterisk/info?only=status');
    const restartStatus = async () => (await admin.get('/api/telephony/asterisk/restart')).body as { pending: boolean; asteriskStartedAt: string | null; canRestart: boolean };
    expect(await restartStatus()).to.include({ pending: false, asteriskStartedAt: info.body.status.startup_time });
    const transports = path.join(configDir!, 'pjsip-transports.conf');
    expect((await admin.patch('/api/telephony/settings', { transports: { udpPort: Number(sipPort) + 1 } })).status).to.equal(200);
    await poll('the regenerated transports', async () => fs.readFileSync(transports, 'utf8').includes(`bind=${sipHost}:${Number(sipPort) + 1}`));
    expect(await poll('the pending restart', async () => ((await restartStatus()).pending ? restartStatus() : null))).to.include({ pending: true, canRestart: false });
    expect((await admin.patch('/api/telephony/settings', { transports: { udpPort: Number(sipPort) } })).status).to.equal(200);
    await poll('nothing pending', async () => !(await restartStatus()).pending);
  });

  it("click-to-call's caller-ID override reaches the trunk over the extension's outbound caller ID; a phone's channel cannot carry it", async () => {
    const [, callerPhone] = phones;
    // The operator: a SIP user agent on loopback that refuses every call (486), after showing whom from.
    const operator = new LoopbackPhone('operator', 'unused', { host: sipHost, port: Number(sipPort) });
    await operator.start();
    phones.push(operator);
    operator.behaviour = { kind: 'busy' };
    const seen: Array<{ from: string; pAssertedIdentity: string }> = [];
    operator.on('invite', (_callId: string, shown: { from: string; pAssertedIdentity: string }) => seen.push(shown));

    const trunk = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Carillon test operator', host: '127.0.0.1', port: operator.localPort, transport: 'udp', username: 'carillon-test', password: 'carillon-test-secret', register: false });
    expect(trunk.status, trunk.text).to.equal(201);
    cleanup.push(['trunks', trunk.body.id]);
    const route = await admin.post('/api/telephony/outbound-routes', { name: 'Carillon test out', priority: 1, patterns: ['_0X.', '_+X.'], trunkIds: [trunk.body.id] });
    expect(route.status, route.text).to.equal(201);
    cleanup.push(['outbound-routes', route.body.id]);
    const ext = (await admin.get('/api/telephony/extensions?limit=500')).body.items.find((e: { number: string }) => e.number === caller.number);
    const outboundCallerId = '+33100000872';
    expect((await admin.patch(`/api/telephony/extensions/${ext.id}`, { outboundCallerId })).status).to.equal(200);
    const dialplan = path.join(configDir!, 'extensions-carillon.conf');
    await poll('the regenerated dialplan', async () => fs.readFileSync(dialplan, 'utf8').includes(`Set(CARILLON_OUTBOUND_CID=${outboundCallerId})`) && /Dial\(PJSIP\/\$\{ARG2\}@\$\{ARG1\}/.test(fs.readFileSync(dialplan, 'utf8')));
    // The files are written before res_pjsip and pbx_config are reloaded through ARI.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const numberShown = (shown: { from: string; pAssertedIdentity: string }) => /<sip:([^@>]+)@/.exec(shown.pAssertedIdentity || shown.from)?.[1];

    callerPhone.behaviour = { kind: 'answer', afterMs: 200 };
    const clickToCall = async (body: Record<string, unknown>) => {
      const before = seen.length;
      const res = await admin.post('/api/telephony/click-to-call', { number: '0612345678', extension: caller.number, ...body });
      expect(res.status, res.text).to.equal(201);
      const ended = await poll('the click-to-call end', async () => {
        const view = await admin.get(`/api/telephony/click-to-call/${res.body.id}`);
        return view.body.status === 'ended' ? view.body : null;
      });
      expect(ended.outcome, 'the operator refused it: busy').to.equal('callee_busy');
      expect(seen.length, 'one INVITE reached the operator').to.equal(before + 1);
      return seen.at(-1)!;
    };
    expect(numberShown(await clickToCall({ callerId: '+33199999999' })), 'the override').to.equal('+33199999999');
    expect(numberShown(await clickToCall({})), "the extension's outbound caller ID").to.equal(outboundCallerId);

    // A phone's own (PJSIP) channel running the same dialplan with the variable set, as if an
    // endpoint setting or an inherited variable carried it: the dialplan drops it.
    const before = seen.length;
    const variables = JSON.stringify({ variables: { CARILLON_CALLER: caller.number, CARILLON_CID_OVERRIDE: '+33199999999' } });
    const originate = await fetch(`${url!.replace(/\/$/, '')}/ari/channels?endpoint=PJSIP/${caller.number}&context=from-internal&extension=0612345678&priority=1&timeout=10`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`, 'content-type': 'application/json' },
      body: variables,
    });
    expect(originate.status, await originate.text()).to.equal(200);
    await poll('the INVITE from the phone channel', async () => seen.length > before);
    expect(numberShown(seen.at(-1)!)).to.equal(outboundCallerId);
  });
});
